
use builtin;
use str;

set edit:completion:arg-completer[istioup] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'istioup'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'istioup'= {
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand render 'Print the merged IstioOperator (base + overlays + --set); needs no cluster'
            cand images 'List every image an install (and its addons) pulls, to mirror them for an air-gapped cluster; needs no cluster'
            cand context 'Show which cluster istioup would act on, and where each part came from'
            cand check 'Check that the cluster is ready for Istio, and change nothing'
            cand install 'Install or upgrade Istio: checks, plan, confirmation, istioctl, verification, injection'
            cand enable 'Turn sidecar injection on for namespaces or a workload'
            cand disable 'Turn sidecar injection off for namespaces or a workload, or remove Istio from the cluster'
            cand uninstall 'Remove Istio from the cluster, keeping every user object (same as `disable cluster`)'
            cand status 'Show whether the mesh is healthy and who is in it'
            cand addons 'Install or remove the addons of the Istio release (Kiali, Prometheus, Grafana, Jaeger, Zipkin, Loki)'
            cand upgrade 'Upgrade Istio to istioctl''s version: a canary revision next to the old one (or in place), then migrate namespaces, finish or roll back'
            cand mtls 'Show mutual TLS per namespace, or switch namespaces or the mesh to STRICT safely and back'
            cand dashboard 'Open an addon''s web UI (Kiali, Grafana, Prometheus, Jaeger, Zipkin) on a local port; runs until interrupted'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'istioup;render'= {
            cand -f 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --overlay 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --filename 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --set 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)'
            cand --profile 'Istio profile (shortcut for --set profile=NAME)'
            cand --revision 'Control plane revision (shortcut for --set revision=NAME)'
            cand --registry 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio''s hub and every component hub become it; `istioup images --registry` lists what to copy there'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;images'= {
            cand -f 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --overlay 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --filename 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --set 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)'
            cand --profile 'Istio profile (shortcut for --set profile=NAME)'
            cand --revision 'Control plane revision (shortcut for --set revision=NAME)'
            cand --registry 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio''s hub and every component hub become it; `istioup images --registry` lists what to copy there'
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --addons 'Addons whose images to list too, comma-separated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none'
            cand --addons-dir 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;context'= {
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;check'= {
            cand -f 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --overlay 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --filename 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --set 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)'
            cand --profile 'Istio profile (shortcut for --set profile=NAME)'
            cand --revision 'Control plane revision (shortcut for --set revision=NAME)'
            cand --registry 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio''s hub and every component hub become it; `istioup images --registry` lists what to copy there'
            cand --inject 'Namespace to enable sidecar injection in (repeatable)'
            cand --inject-selector 'Inject the namespaces matching this label selector (e.g. team=shop)'
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --fail-on 'Treat warnings as failures (for CI)'
            cand --skip-check 'Skip a check by its id (repeatable), for an admin who knows better'
            cand --addons 'Addons to apply after Istio, comma-separated or repeated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none [default: kiali, with a Prometheus unless the cluster has one]'
            cand --addons-dir 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand --inject-all 'Inject every namespace except kube-*, the Istio namespace, and those labelled istio-injection=disabled'
            cand --force 'Take over a mesh another tool installed (Helm): istioctl then manages it, not Helm'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;install'= {
            cand -f 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --overlay 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --filename 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --set 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)'
            cand --profile 'Istio profile (shortcut for --set profile=NAME)'
            cand --revision 'Control plane revision (shortcut for --set revision=NAME)'
            cand --registry 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio''s hub and every component hub become it; `istioup images --registry` lists what to copy there'
            cand --inject 'Namespace to enable sidecar injection in (repeatable)'
            cand --inject-selector 'Inject the namespaces matching this label selector (e.g. team=shop)'
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --fail-on 'Treat warnings as failures (for CI)'
            cand --skip-check 'Skip a check by its id (repeatable), for an admin who knows better'
            cand --batch-size 'How many workloads restart at once'
            cand --timeout 'How long each batch of restarted workloads may take to become Available'
            cand --wait-for-lock 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder'
            cand --readiness-timeout 'How long istioctl waits for each component to become ready (passed as --readiness-timeout)'
            cand --istioctl-timeout 'Stop istioctl and all it started if the whole run takes longer than this [default: 3 × --readiness-timeout + 5m]'
            cand --istioctl-arg 'Extra argument passed to `istioctl install` verbatim (repeatable), e.g. --istioctl-arg=--force'
            cand --mtls 'After a verified install, require mutual TLS mesh-wide, with the blast-radius check of `istioup mtls strict --mesh`'
            cand --addons 'Addons to apply after Istio, comma-separated or repeated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none [default: kiali, with a Prometheus unless the cluster has one]'
            cand --addons-dir 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand --inject-all 'Inject every namespace except kube-*, the Istio namespace, and those labelled istio-injection=disabled'
            cand --force 'Take over a mesh another tool installed (Helm): istioctl then manages it, not Helm'
            cand --dry-run 'Print the plan and the rendered IstioOperator, and change nothing'
            cand --restart 'Restart the workloads of injected namespaces so their pods get a sidecar'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;enable'= {
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand namespace 'Label namespaces for sidecar injection (istio-injection=enabled, or istio.io/rev=REV)'
            cand workload 'Opt one workload in: pod template label sidecar.istio.io/inject="true" (rolls its pods)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'istioup;enable;namespace'= {
            cand -l 'The namespaces matching this label selector (e.g. team=shop)'
            cand --selector 'The namespaces matching this label selector (e.g. team=shop)'
            cand --revision 'Inject with this control plane revision (istio.io/rev=REV) instead of the default one'
            cand --batch-size 'How many workloads restart at once'
            cand --timeout 'How long each batch of restarted workloads may take to become Available'
            cand --wait-for-lock 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand --all 'Every namespace except kube-* and the Istio namespaces'
            cand --restart 'Restart the workloads whose pods lack a sidecar, batch by batch'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;enable;workload'= {
            cand -n 'The workload''s namespace (default: the context''s namespace)'
            cand --namespace 'The workload''s namespace (default: the context''s namespace)'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;enable;help'= {
            cand namespace 'Label namespaces for sidecar injection (istio-injection=enabled, or istio.io/rev=REV)'
            cand workload 'Opt one workload in: pod template label sidecar.istio.io/inject="true" (rolls its pods)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'istioup;enable;help;namespace'= {
        }
        &'istioup;enable;help;workload'= {
        }
        &'istioup;enable;help;help'= {
        }
        &'istioup;disable'= {
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand namespace 'Remove the injection labels istioup set on namespaces (or set istio-injection=disabled)'
            cand workload 'Opt one workload out: pod template label sidecar.istio.io/inject="false" (rolls its pods)'
            cand cluster 'Remove Istio from the cluster, keeping every user object (alias: istioup uninstall)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'istioup;disable;namespace'= {
            cand -l 'The namespaces matching this label selector (e.g. team=shop)'
            cand --selector 'The namespaces matching this label selector (e.g. team=shop)'
            cand --batch-size 'How many workloads restart at once'
            cand --timeout 'How long each batch of restarted workloads may take to become Available'
            cand --wait-for-lock 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand --all 'Every namespace except kube-* and the Istio namespaces'
            cand --force 'Also remove injection labels istioup did not set'
            cand --explicit 'Set istio-injection=disabled instead of removing the label, so a mesh-wide default cannot inject'
            cand --restart 'Restart the workloads whose pods still carry a sidecar, batch by batch'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;disable;workload'= {
            cand -n 'The workload''s namespace (default: the context''s namespace)'
            cand --namespace 'The workload''s namespace (default: the context''s namespace)'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;disable;cluster'= {
            cand --backup 'With --purge: first write every Istio custom resource to DIR (restore: kubectl apply -f DIR)'
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --istioctl-timeout 'Stop istioctl and all it started if it takes longer than this'
            cand --wait-for-lock 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand --force 'Go on although pods still carry sidecars (they lose the proxy when restarted)'
            cand --purge 'Also delete the Istio CRDs, and with them every user Istio object; needs --backup DIR or --no-backup'
            cand --no-backup 'With --purge: delete the user Istio objects without a backup'
            cand --delete-namespace 'Also delete the Istio namespace (istio-system)'
            cand --keep-addons 'Keep the addons istioup installed (istioup addons enable); by default they are removed'
            cand --dry-run 'Show what would be removed and kept, and change nothing'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;disable;help'= {
            cand namespace 'Remove the injection labels istioup set on namespaces (or set istio-injection=disabled)'
            cand workload 'Opt one workload out: pod template label sidecar.istio.io/inject="false" (rolls its pods)'
            cand cluster 'Remove Istio from the cluster, keeping every user object (alias: istioup uninstall)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'istioup;disable;help;namespace'= {
        }
        &'istioup;disable;help;workload'= {
        }
        &'istioup;disable;help;cluster'= {
        }
        &'istioup;disable;help;help'= {
        }
        &'istioup;uninstall'= {
            cand --backup 'With --purge: first write every Istio custom resource to DIR (restore: kubectl apply -f DIR)'
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --istioctl-timeout 'Stop istioctl and all it started if it takes longer than this'
            cand --wait-for-lock 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand --force 'Go on although pods still carry sidecars (they lose the proxy when restarted)'
            cand --purge 'Also delete the Istio CRDs, and with them every user Istio object; needs --backup DIR or --no-backup'
            cand --no-backup 'With --purge: delete the user Istio objects without a backup'
            cand --delete-namespace 'Also delete the Istio namespace (istio-system)'
            cand --keep-addons 'Keep the addons istioup installed (istioup addons enable); by default they are removed'
            cand --dry-run 'Show what would be removed and kept, and change nothing'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;status'= {
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;addons'= {
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'The addons the release ships, and which are installed (by istioup) with ready/desired pods'
            cand enable 'Apply addons from the release''s samples/addons (server-side apply, field manager istioup) and wait until each is Available; Kiali brings Prometheus'
            cand disable 'Remove addons istioup installed (objects it labelled istioup.io/addon=NAME), never others'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'istioup;addons;list'= {
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --addons-dir 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;addons;enable'= {
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --addons-dir 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)'
            cand --timeout 'How long each addon may take to become Available'
            cand --wait-for-lock 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;addons;disable'= {
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --addons-dir 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)'
            cand --timeout 'How long each addon may take to become Available'
            cand --wait-for-lock 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;addons;help'= {
            cand list 'The addons the release ships, and which are installed (by istioup) with ready/desired pods'
            cand enable 'Apply addons from the release''s samples/addons (server-side apply, field manager istioup) and wait until each is Available; Kiali brings Prometheus'
            cand disable 'Remove addons istioup installed (objects it labelled istioup.io/addon=NAME), never others'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'istioup;addons;help;list'= {
        }
        &'istioup;addons;help;enable'= {
        }
        &'istioup;addons;help;disable'= {
        }
        &'istioup;addons;help;help'= {
        }
        &'istioup;upgrade'= {
            cand -f 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --overlay 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --filename 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)'
            cand --set 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)'
            cand --profile 'Istio profile (shortcut for --set profile=NAME)'
            cand --revision 'Control plane revision (shortcut for --set revision=NAME)'
            cand --registry 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio''s hub and every component hub become it; `istioup images --registry` lists what to copy there'
            cand --inject-selector 'Inject the namespaces matching this label selector (e.g. team=shop)'
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --fail-on 'Treat warnings as failures (for CI)'
            cand --skip-check 'Skip a check by its id (repeatable), for an admin who knows better'
            cand --batch-size 'How many workloads restart at once'
            cand --timeout 'How long each batch of restarted workloads may take to become Available'
            cand --wait-for-lock 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder'
            cand --readiness-timeout 'How long istioctl waits for each component to become ready (passed as --readiness-timeout)'
            cand --istioctl-timeout 'Stop istioctl and all it started if the whole run takes longer than this [default: 3 × --readiness-timeout + 5m]'
            cand --istioctl-arg 'Extra argument passed to `istioctl install` verbatim (repeatable), e.g. --istioctl-arg=--force'
            cand --mtls 'After a verified install, require mutual TLS mesh-wide, with the blast-radius check of `istioup mtls strict --mesh`'
            cand --addons 'Addons to apply after Istio, comma-separated or repeated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none [default: kiali, with a Prometheus unless the cluster has one]'
            cand --addons-dir 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)'
            cand --inject 'In place only: namespace to enable sidecar injection in (a canary moves namespaces with `upgrade migrate`)'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand --in-place 'Upgrade the running revision where it is (istioctl install over it); with --restart, roll the workloads whose proxy is older than the new control plane'
            cand --canary 'Install the new version as a new revision next to the old one (the default when the mesh has a revision); --revision NAME names it (default: the version, 1-30-2)'
            cand --inject-all 'Inject every namespace except kube-*, the Istio namespace, and those labelled istio-injection=disabled'
            cand --dry-run 'Print the plan and the rendered IstioOperator, and change nothing'
            cand --force 'Go on although the version jump is unsupported (more than two minor versions); also takes over a mesh Helm installed'
            cand --restart 'In place: roll the workloads whose proxy is older than the new control plane, in batches'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'Per revision: version, tags, health, namespaces, pods per proxy version; what is left to migrate; the next command'
            cand migrate 'Move namespaces to the new revision: relabel, and with --restart roll their workloads in batches and check each new pod''s proxy revision'
            cand finish 'Remove the old control plane once no pod runs its proxy (istioctl uninstall -r OLD), keeping the CRDs and every user object'
            cand rollback 'Move the migrated namespaces back to the old revision (relabel, restart) and remove the new revision'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'istioup;upgrade;status'= {
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;upgrade;migrate'= {
            cand -l 'The namespaces matching this label selector (e.g. team=shop)'
            cand --selector 'The namespaces matching this label selector (e.g. team=shop)'
            cand --tag 'Label the namespaces with this revision tag (e.g. prod) instead of the revision, and move the tag to the new revision (istioctl tag set NAME --revision NEW --overwrite): every namespace carrying it moves'
            cand --batch-size 'How many workloads restart at once'
            cand --timeout 'How long each batch of restarted workloads may take to become Available'
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --istioctl-timeout 'Stop istioctl (tag set) if it takes longer than this'
            cand --wait-for-lock 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand --all 'Every namespace except kube-* and the Istio namespaces'
            cand --restart 'Roll the workloads of the relabelled namespaces, batch by batch, and check their proxies'
            cand --force 'Also replace an istio-injection=enabled label someone else set (it beats istio.io/rev)'
            cand --dry-run 'Show what would be relabelled and restarted, and change nothing'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;upgrade;finish'= {
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --istioctl-timeout 'Stop istioctl and all it started if it takes longer than this'
            cand --wait-for-lock 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand --force 'Go on although pods still run a proxy of the old revision (they lose their control plane)'
            cand --dry-run 'Show what would be removed and kept, and change nothing'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;upgrade;rollback'= {
            cand --istioctl 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)'
            cand --istioctl-timeout 'Stop istioctl and all it started if it takes longer than this'
            cand --batch-size 'How many workloads restart at once'
            cand --timeout 'How long each batch of restarted workloads may take to become Available'
            cand --wait-for-lock 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand --dry-run 'Show what would move back and be removed, and change nothing'
            cand --force 'Go on removing the new revision although pods still run its proxy'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;upgrade;help'= {
            cand status 'Per revision: version, tags, health, namespaces, pods per proxy version; what is left to migrate; the next command'
            cand migrate 'Move namespaces to the new revision: relabel, and with --restart roll their workloads in batches and check each new pod''s proxy revision'
            cand finish 'Remove the old control plane once no pod runs its proxy (istioctl uninstall -r OLD), keeping the CRDs and every user object'
            cand rollback 'Move the migrated namespaces back to the old revision (relabel, restart) and remove the new revision'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'istioup;upgrade;help;status'= {
        }
        &'istioup;upgrade;help;migrate'= {
        }
        &'istioup;upgrade;help;finish'= {
        }
        &'istioup;upgrade;help;rollback'= {
        }
        &'istioup;upgrade;help;help'= {
        }
        &'istioup;mtls'= {
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'The effective mode per namespace and workload, sidecars, and DestinationRules that turn client TLS off (the default)'
            cand strict 'Require mutual TLS (PeerAuthentication STRICT), after showing who would be cut off'
            cand permissive 'Accept plaintext again (PeerAuthentication PERMISSIVE), or remove istioup''s policy with --remove'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'istioup;mtls;status'= {
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;mtls;strict'= {
            cand --wait-for-lock 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder'
            cand --window 'How far back Prometheus is asked about plaintext traffic'
            cand --prometheus 'The Prometheus to ask, as NAMESPACE/SERVICE:PORT (default: Istio''s addon, else a Service labelled prometheus)'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand --mesh 'The whole mesh: the PeerAuthentication `default` in the root namespace (meshConfig.rootNamespace)'
            cand --dry-run 'Show the blast radius and the plan, and change nothing'
            cand --force 'Go on although clients would be cut off, or a namespace has no sidecar'
            cand --no-prometheus 'Do not ask Prometheus: judge from the pods without a sidecar alone'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;mtls;permissive'= {
            cand --wait-for-lock 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand --mesh 'The whole mesh: the PeerAuthentication `default` in the root namespace (meshConfig.rootNamespace)'
            cand --dry-run 'Show the plan, and change nothing'
            cand --remove 'Delete istioup''s PeerAuthentication instead of setting it to PERMISSIVE'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;mtls;help'= {
            cand status 'The effective mode per namespace and workload, sidecars, and DestinationRules that turn client TLS off (the default)'
            cand strict 'Require mutual TLS (PeerAuthentication STRICT), after showing who would be cut off'
            cand permissive 'Accept plaintext again (PeerAuthentication PERMISSIVE), or remove istioup''s policy with --remove'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'istioup;mtls;help;status'= {
        }
        &'istioup;mtls;help;strict'= {
        }
        &'istioup;mtls;help;permissive'= {
        }
        &'istioup;mtls;help;help'= {
        }
        &'istioup;dashboard'= {
            cand -p 'Local port (default: the addon''s own port, e.g. 20001 for Kiali, or any free port when that one is taken; 0: any free port)'
            cand --port 'Local port (default: the addon''s own port, e.g. 20001 for Kiali, or any free port when that one is taken; 0: any free port)'
            cand --address 'Local address to listen on'
            cand -n 'The namespace the addon runs in'
            cand --namespace 'The namespace the addon runs in'
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;completions'= {
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
            cand --request-timeout 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure'
            cand -y 'Answer yes to every confirmation'
            cand --yes 'Answer yes to every confirmation'
            cand --no-input 'Never prompt; fail where an answer would be needed'
            cand -v 'Say more about what is going on (repeat for more)'
            cand --verbose 'Say more about what is going on (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'istioup;help'= {
            cand render 'Print the merged IstioOperator (base + overlays + --set); needs no cluster'
            cand images 'List every image an install (and its addons) pulls, to mirror them for an air-gapped cluster; needs no cluster'
            cand context 'Show which cluster istioup would act on, and where each part came from'
            cand check 'Check that the cluster is ready for Istio, and change nothing'
            cand install 'Install or upgrade Istio: checks, plan, confirmation, istioctl, verification, injection'
            cand enable 'Turn sidecar injection on for namespaces or a workload'
            cand disable 'Turn sidecar injection off for namespaces or a workload, or remove Istio from the cluster'
            cand uninstall 'Remove Istio from the cluster, keeping every user object (same as `disable cluster`)'
            cand status 'Show whether the mesh is healthy and who is in it'
            cand addons 'Install or remove the addons of the Istio release (Kiali, Prometheus, Grafana, Jaeger, Zipkin, Loki)'
            cand upgrade 'Upgrade Istio to istioctl''s version: a canary revision next to the old one (or in place), then migrate namespaces, finish or roll back'
            cand mtls 'Show mutual TLS per namespace, or switch namespaces or the mesh to STRICT safely and back'
            cand dashboard 'Open an addon''s web UI (Kiali, Grafana, Prometheus, Jaeger, Zipkin) on a local port; runs until interrupted'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'istioup;help;render'= {
        }
        &'istioup;help;images'= {
        }
        &'istioup;help;context'= {
        }
        &'istioup;help;check'= {
        }
        &'istioup;help;install'= {
        }
        &'istioup;help;enable'= {
            cand namespace 'Label namespaces for sidecar injection (istio-injection=enabled, or istio.io/rev=REV)'
            cand workload 'Opt one workload in: pod template label sidecar.istio.io/inject="true" (rolls its pods)'
        }
        &'istioup;help;enable;namespace'= {
        }
        &'istioup;help;enable;workload'= {
        }
        &'istioup;help;disable'= {
            cand namespace 'Remove the injection labels istioup set on namespaces (or set istio-injection=disabled)'
            cand workload 'Opt one workload out: pod template label sidecar.istio.io/inject="false" (rolls its pods)'
            cand cluster 'Remove Istio from the cluster, keeping every user object (alias: istioup uninstall)'
        }
        &'istioup;help;disable;namespace'= {
        }
        &'istioup;help;disable;workload'= {
        }
        &'istioup;help;disable;cluster'= {
        }
        &'istioup;help;uninstall'= {
        }
        &'istioup;help;status'= {
        }
        &'istioup;help;addons'= {
            cand list 'The addons the release ships, and which are installed (by istioup) with ready/desired pods'
            cand enable 'Apply addons from the release''s samples/addons (server-side apply, field manager istioup) and wait until each is Available; Kiali brings Prometheus'
            cand disable 'Remove addons istioup installed (objects it labelled istioup.io/addon=NAME), never others'
        }
        &'istioup;help;addons;list'= {
        }
        &'istioup;help;addons;enable'= {
        }
        &'istioup;help;addons;disable'= {
        }
        &'istioup;help;upgrade'= {
            cand status 'Per revision: version, tags, health, namespaces, pods per proxy version; what is left to migrate; the next command'
            cand migrate 'Move namespaces to the new revision: relabel, and with --restart roll their workloads in batches and check each new pod''s proxy revision'
            cand finish 'Remove the old control plane once no pod runs its proxy (istioctl uninstall -r OLD), keeping the CRDs and every user object'
            cand rollback 'Move the migrated namespaces back to the old revision (relabel, restart) and remove the new revision'
        }
        &'istioup;help;upgrade;status'= {
        }
        &'istioup;help;upgrade;migrate'= {
        }
        &'istioup;help;upgrade;finish'= {
        }
        &'istioup;help;upgrade;rollback'= {
        }
        &'istioup;help;mtls'= {
            cand status 'The effective mode per namespace and workload, sidecars, and DestinationRules that turn client TLS off (the default)'
            cand strict 'Require mutual TLS (PeerAuthentication STRICT), after showing who would be cut off'
            cand permissive 'Accept plaintext again (PeerAuthentication PERMISSIVE), or remove istioup''s policy with --remove'
        }
        &'istioup;help;mtls;status'= {
        }
        &'istioup;help;mtls;strict'= {
        }
        &'istioup;help;mtls;permissive'= {
        }
        &'istioup;help;dashboard'= {
        }
        &'istioup;help;completions'= {
        }
        &'istioup;help;help'= {
        }
    ]
    $completions[$command]
}
