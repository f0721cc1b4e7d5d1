# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_istioup_global_optspecs
    string join \n kubeconfig= context= o/output= y/yes no-input color= v/verbose request-timeout= h/help V/version
end

function __fish_istioup_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_istioup_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_istioup_using_subcommand
    set -l cmd (__fish_istioup_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c istioup -n "__fish_istioup_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_needs_command" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_needs_command" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_needs_command" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_needs_command" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_needs_command" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_needs_command" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_needs_command" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c istioup -n "__fish_istioup_needs_command" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "render" -d 'Print the merged IstioOperator (base + overlays + --set); needs no cluster'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "images" -d 'List every image an install (and its addons) pulls, to mirror them for an air-gapped cluster; needs no cluster'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "context" -d 'Show which cluster istioup would act on, and where each part came from'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "check" -d 'Check that the cluster is ready for Istio, and change nothing'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "install" -d 'Install or upgrade Istio: checks, plan, confirmation, istioctl, verification, injection'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "enable" -d 'Turn sidecar injection on for namespaces or a workload'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "disable" -d 'Turn sidecar injection off for namespaces or a workload, or remove Istio from the cluster'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "uninstall" -d 'Remove Istio from the cluster, keeping every user object (same as `disable cluster`)'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "status" -d 'Show whether the mesh is healthy and who is in it'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "addons" -d 'Install or remove the addons of the Istio release (Kiali, Prometheus, Grafana, Jaeger, Zipkin, Loki)'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "upgrade" -d 'Upgrade Istio to istioctl\'s version: a canary revision next to the old one (or in place), then migrate namespaces, finish or roll back'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "mtls" -d 'Show mutual TLS per namespace, or switch namespaces or the mesh to STRICT safely and back'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "dashboard" -d 'Open an addon\'s web UI (Kiali, Grafana, Prometheus, Jaeger, Zipkin) on a local port; runs until interrupted'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioup -n "__fish_istioup_using_subcommand render" -s f -l overlay -l filename -d 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand render" -l set -d 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)' -r
complete -c istioup -n "__fish_istioup_using_subcommand render" -l profile -d 'Istio profile (shortcut for --set profile=NAME)' -r
complete -c istioup -n "__fish_istioup_using_subcommand render" -l revision -d 'Control plane revision (shortcut for --set revision=NAME)' -r
complete -c istioup -n "__fish_istioup_using_subcommand render" -l registry -d 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio\'s hub and every component hub become it; `istioup images --registry` lists what to copy there' -r
complete -c istioup -n "__fish_istioup_using_subcommand render" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand render" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand render" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand render" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand render" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand render" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand render" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand render" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand render" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand render" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand images" -s f -l overlay -l filename -d 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand images" -l set -d 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)' -r
complete -c istioup -n "__fish_istioup_using_subcommand images" -l profile -d 'Istio profile (shortcut for --set profile=NAME)' -r
complete -c istioup -n "__fish_istioup_using_subcommand images" -l revision -d 'Control plane revision (shortcut for --set revision=NAME)' -r
complete -c istioup -n "__fish_istioup_using_subcommand images" -l registry -d 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio\'s hub and every component hub become it; `istioup images --registry` lists what to copy there' -r
complete -c istioup -n "__fish_istioup_using_subcommand images" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand images" -l addons -d 'Addons whose images to list too, comma-separated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none' -r
complete -c istioup -n "__fish_istioup_using_subcommand images" -l addons-dir -d 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand images" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand images" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand images" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand images" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand images" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand images" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand images" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand images" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand images" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand images" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand context" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand context" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand context" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand context" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand context" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand context" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand context" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand context" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand context" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand context" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand check" -s f -l overlay -l filename -d 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand check" -l set -d 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)' -r
complete -c istioup -n "__fish_istioup_using_subcommand check" -l profile -d 'Istio profile (shortcut for --set profile=NAME)' -r
complete -c istioup -n "__fish_istioup_using_subcommand check" -l revision -d 'Control plane revision (shortcut for --set revision=NAME)' -r
complete -c istioup -n "__fish_istioup_using_subcommand check" -l registry -d 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio\'s hub and every component hub become it; `istioup images --registry` lists what to copy there' -r
complete -c istioup -n "__fish_istioup_using_subcommand check" -l inject -d 'Namespace to enable sidecar injection in (repeatable)' -r
complete -c istioup -n "__fish_istioup_using_subcommand check" -l inject-selector -d 'Inject the namespaces matching this label selector (e.g. team=shop)' -r
complete -c istioup -n "__fish_istioup_using_subcommand check" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand check" -l fail-on -d 'Treat warnings as failures (for CI)' -r -f -a "fail\t''
warn\t''"
complete -c istioup -n "__fish_istioup_using_subcommand check" -l skip-check -d 'Skip a check by its id (repeatable), for an admin who knows better' -r
complete -c istioup -n "__fish_istioup_using_subcommand check" -l addons -d 'Addons to apply after Istio, comma-separated or repeated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none [default: kiali, with a Prometheus unless the cluster has one]' -r
complete -c istioup -n "__fish_istioup_using_subcommand check" -l addons-dir -d 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand check" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand check" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand check" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand check" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand check" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand check" -l inject-all -d 'Inject every namespace except kube-*, the Istio namespace, and those labelled istio-injection=disabled'
complete -c istioup -n "__fish_istioup_using_subcommand check" -l force -d 'Take over a mesh another tool installed (Helm): istioctl then manages it, not Helm'
complete -c istioup -n "__fish_istioup_using_subcommand check" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand check" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand check" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand check" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand check" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand install" -s f -l overlay -l filename -d 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand install" -l set -d 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l profile -d 'Istio profile (shortcut for --set profile=NAME)' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l revision -d 'Control plane revision (shortcut for --set revision=NAME)' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l registry -d 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio\'s hub and every component hub become it; `istioup images --registry` lists what to copy there' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l inject -d 'Namespace to enable sidecar injection in (repeatable)' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l inject-selector -d 'Inject the namespaces matching this label selector (e.g. team=shop)' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand install" -l fail-on -d 'Treat warnings as failures (for CI)' -r -f -a "fail\t''
warn\t''"
complete -c istioup -n "__fish_istioup_using_subcommand install" -l skip-check -d 'Skip a check by its id (repeatable), for an admin who knows better' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l batch-size -d 'How many workloads restart at once' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l timeout -d 'How long each batch of restarted workloads may take to become Available' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l wait-for-lock -d 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l readiness-timeout -d 'How long istioctl waits for each component to become ready (passed as --readiness-timeout)' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l istioctl-timeout -d 'Stop istioctl and all it started if the whole run takes longer than this [default: 3 × --readiness-timeout + 5m]' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l istioctl-arg -d 'Extra argument passed to `istioctl install` verbatim (repeatable), e.g. --istioctl-arg=--force' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l mtls -d 'After a verified install, require mutual TLS mesh-wide, with the blast-radius check of `istioup mtls strict --mesh`' -r -f -a "strict\t''"
complete -c istioup -n "__fish_istioup_using_subcommand install" -l addons -d 'Addons to apply after Istio, comma-separated or repeated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none [default: kiali, with a Prometheus unless the cluster has one]' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l addons-dir -d 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand install" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand install" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand install" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand install" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand install" -l inject-all -d 'Inject every namespace except kube-*, the Istio namespace, and those labelled istio-injection=disabled'
complete -c istioup -n "__fish_istioup_using_subcommand install" -l force -d 'Take over a mesh another tool installed (Helm): istioctl then manages it, not Helm'
complete -c istioup -n "__fish_istioup_using_subcommand install" -l dry-run -d 'Print the plan and the rendered IstioOperator, and change nothing'
complete -c istioup -n "__fish_istioup_using_subcommand install" -l restart -d 'Restart the workloads of injected namespaces so their pods get a sidecar'
complete -c istioup -n "__fish_istioup_using_subcommand install" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand install" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand install" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand install" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand install" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and not __fish_seen_subcommand_from namespace workload help" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand enable; and not __fish_seen_subcommand_from namespace workload help" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand enable; and not __fish_seen_subcommand_from namespace workload help" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand enable; and not __fish_seen_subcommand_from namespace workload help" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand enable; and not __fish_seen_subcommand_from namespace workload help" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand enable; and not __fish_seen_subcommand_from namespace workload help" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and not __fish_seen_subcommand_from namespace workload help" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and not __fish_seen_subcommand_from namespace workload help" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and not __fish_seen_subcommand_from namespace workload help" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and not __fish_seen_subcommand_from namespace workload help" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and not __fish_seen_subcommand_from namespace workload help" -f -a "namespace" -d 'Label namespaces for sidecar injection (istio-injection=enabled, or istio.io/rev=REV)'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and not __fish_seen_subcommand_from namespace workload help" -f -a "workload" -d 'Opt one workload in: pod template label sidecar.istio.io/inject="true" (rolls its pods)'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and not __fish_seen_subcommand_from namespace workload help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -s l -l selector -d 'The namespaces matching this label selector (e.g. team=shop)' -r
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -l revision -d 'Inject with this control plane revision (istio.io/rev=REV) instead of the default one' -r
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -l batch-size -d 'How many workloads restart at once' -r
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -l timeout -d 'How long each batch of restarted workloads may take to become Available' -r
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -l wait-for-lock -d 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder' -r
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -l all -d 'Every namespace except kube-* and the Istio namespaces'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -l restart -d 'Restart the workloads whose pods lack a sidecar, batch by batch'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from namespace" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from workload" -s n -l namespace -d 'The workload\'s namespace (default: the context\'s namespace)' -r
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from workload" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from workload" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from workload" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from workload" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from workload" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from workload" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from workload" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from workload" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from workload" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from workload" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from help" -f -a "namespace" -d 'Label namespaces for sidecar injection (istio-injection=enabled, or istio.io/rev=REV)'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from help" -f -a "workload" -d 'Opt one workload in: pod template label sidecar.istio.io/inject="true" (rolls its pods)'
complete -c istioup -n "__fish_istioup_using_subcommand enable; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -f -a "namespace" -d 'Remove the injection labels istioup set on namespaces (or set istio-injection=disabled)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -f -a "workload" -d 'Opt one workload out: pod template label sidecar.istio.io/inject="false" (rolls its pods)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -f -a "cluster" -d 'Remove Istio from the cluster, keeping every user object (alias: istioup uninstall)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and not __fish_seen_subcommand_from namespace workload cluster help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -s l -l selector -d 'The namespaces matching this label selector (e.g. team=shop)' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -l batch-size -d 'How many workloads restart at once' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -l timeout -d 'How long each batch of restarted workloads may take to become Available' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -l wait-for-lock -d 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -l all -d 'Every namespace except kube-* and the Istio namespaces'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -l force -d 'Also remove injection labels istioup did not set'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -l explicit -d 'Set istio-injection=disabled instead of removing the label, so a mesh-wide default cannot inject'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -l restart -d 'Restart the workloads whose pods still carry a sidecar, batch by batch'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from namespace" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from workload" -s n -l namespace -d 'The workload\'s namespace (default: the context\'s namespace)' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from workload" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from workload" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from workload" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from workload" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from workload" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from workload" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from workload" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from workload" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from workload" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from workload" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l backup -d 'With --purge: first write every Istio custom resource to DIR (restore: kubectl apply -f DIR)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l istioctl-timeout -d 'Stop istioctl and all it started if it takes longer than this' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l wait-for-lock -d 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l force -d 'Go on although pods still carry sidecars (they lose the proxy when restarted)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l purge -d 'Also delete the Istio CRDs, and with them every user Istio object; needs --backup DIR or --no-backup'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l no-backup -d 'With --purge: delete the user Istio objects without a backup'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l delete-namespace -d 'Also delete the Istio namespace (istio-system)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l keep-addons -d 'Keep the addons istioup installed (istioup addons enable); by default they are removed'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l dry-run -d 'Show what would be removed and kept, and change nothing'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from cluster" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from help" -f -a "namespace" -d 'Remove the injection labels istioup set on namespaces (or set istio-injection=disabled)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from help" -f -a "workload" -d 'Opt one workload out: pod template label sidecar.istio.io/inject="false" (rolls its pods)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from help" -f -a "cluster" -d 'Remove Istio from the cluster, keeping every user object (alias: istioup uninstall)'
complete -c istioup -n "__fish_istioup_using_subcommand disable; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l backup -d 'With --purge: first write every Istio custom resource to DIR (restore: kubectl apply -f DIR)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l istioctl-timeout -d 'Stop istioctl and all it started if it takes longer than this' -r
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l wait-for-lock -d 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder' -r
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l force -d 'Go on although pods still carry sidecars (they lose the proxy when restarted)'
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l purge -d 'Also delete the Istio CRDs, and with them every user Istio object; needs --backup DIR or --no-backup'
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l no-backup -d 'With --purge: delete the user Istio objects without a backup'
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l delete-namespace -d 'Also delete the Istio namespace (istio-system)'
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l keep-addons -d 'Keep the addons istioup installed (istioup addons enable); by default they are removed'
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l dry-run -d 'Show what would be removed and kept, and change nothing'
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand uninstall" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand status" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand status" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand status" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand status" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand status" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand status" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand status" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand status" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand status" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand status" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -f -a "list" -d 'The addons the release ships, and which are installed (by istioup) with ready/desired pods'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -f -a "enable" -d 'Apply addons from the release\'s samples/addons (server-side apply, field manager istioup) and wait until each is Available; Kiali brings Prometheus'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -f -a "disable" -d 'Remove addons istioup installed (objects it labelled istioup.io/addon=NAME), never others'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and not __fish_seen_subcommand_from list enable disable help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from list" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from list" -l addons-dir -d 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from list" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from list" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -l addons-dir -d 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -l timeout -d 'How long each addon may take to become Available' -r
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -l wait-for-lock -d 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder' -r
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -l addons-dir -d 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -l timeout -d 'How long each addon may take to become Available' -r
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -l wait-for-lock -d 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder' -r
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from help" -f -a "list" -d 'The addons the release ships, and which are installed (by istioup) with ready/desired pods'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Apply addons from the release\'s samples/addons (server-side apply, field manager istioup) and wait until each is Available; Kiali brings Prometheus'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Remove addons istioup installed (objects it labelled istioup.io/addon=NAME), never others'
complete -c istioup -n "__fish_istioup_using_subcommand addons; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -s f -l overlay -l filename -d 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l set -d 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l profile -d 'Istio profile (shortcut for --set profile=NAME)' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l revision -d 'Control plane revision (shortcut for --set revision=NAME)' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l registry -d 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio\'s hub and every component hub become it; `istioup images --registry` lists what to copy there' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l inject-selector -d 'Inject the namespaces matching this label selector (e.g. team=shop)' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l fail-on -d 'Treat warnings as failures (for CI)' -r -f -a "fail\t''
warn\t''"
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l skip-check -d 'Skip a check by its id (repeatable), for an admin who knows better' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l batch-size -d 'How many workloads restart at once' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l timeout -d 'How long each batch of restarted workloads may take to become Available' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l wait-for-lock -d 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l readiness-timeout -d 'How long istioctl waits for each component to become ready (passed as --readiness-timeout)' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l istioctl-timeout -d 'Stop istioctl and all it started if the whole run takes longer than this [default: 3 × --readiness-timeout + 5m]' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l istioctl-arg -d 'Extra argument passed to `istioctl install` verbatim (repeatable), e.g. --istioctl-arg=--force' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l mtls -d 'After a verified install, require mutual TLS mesh-wide, with the blast-radius check of `istioup mtls strict --mesh`' -r -f -a "strict\t''"
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l addons -d 'Addons to apply after Istio, comma-separated or repeated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none [default: kiali, with a Prometheus unless the cluster has one]' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l addons-dir -d 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l inject -d 'In place only: namespace to enable sidecar injection in (a canary moves namespaces with `upgrade migrate`)' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l in-place -d 'Upgrade the running revision where it is (istioctl install over it); with --restart, roll the workloads whose proxy is older than the new control plane'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l canary -d 'Install the new version as a new revision next to the old one (the default when the mesh has a revision); --revision NAME names it (default: the version, 1-30-2)'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l inject-all -d 'Inject every namespace except kube-*, the Istio namespace, and those labelled istio-injection=disabled'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l dry-run -d 'Print the plan and the rendered IstioOperator, and change nothing'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l force -d 'Go on although the version jump is unsupported (more than two minor versions); also takes over a mesh Helm installed'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l restart -d 'In place: roll the workloads whose proxy is older than the new control plane, in batches'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -f -a "status" -d 'Per revision: version, tags, health, namespaces, pods per proxy version; what is left to migrate; the next command'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -f -a "migrate" -d 'Move namespaces to the new revision: relabel, and with --restart roll their workloads in batches and check each new pod\'s proxy revision'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -f -a "finish" -d 'Remove the old control plane once no pod runs its proxy (istioctl uninstall -r OLD), keeping the CRDs and every user object'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -f -a "rollback" -d 'Move the migrated namespaces back to the old revision (relabel, restart) and remove the new revision'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and not __fish_seen_subcommand_from status migrate finish rollback help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from status" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from status" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from status" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from status" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from status" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from status" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from status" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -s l -l selector -d 'The namespaces matching this label selector (e.g. team=shop)' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l tag -d 'Label the namespaces with this revision tag (e.g. prod) instead of the revision, and move the tag to the new revision (istioctl tag set NAME --revision NEW --overwrite): every namespace carrying it moves' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l batch-size -d 'How many workloads restart at once' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l timeout -d 'How long each batch of restarted workloads may take to become Available' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l istioctl-timeout -d 'Stop istioctl (tag set) if it takes longer than this' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l wait-for-lock -d 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l all -d 'Every namespace except kube-* and the Istio namespaces'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l restart -d 'Roll the workloads of the relabelled namespaces, batch by batch, and check their proxies'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l force -d 'Also replace an istio-injection=enabled label someone else set (it beats istio.io/rev)'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l dry-run -d 'Show what would be relabelled and restarted, and change nothing'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -l istioctl-timeout -d 'Stop istioctl and all it started if it takes longer than this' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -l wait-for-lock -d 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -l force -d 'Go on although pods still run a proxy of the old revision (they lose their control plane)'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -l dry-run -d 'Show what would be removed and kept, and change nothing'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from finish" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -l istioctl -d 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -l istioctl-timeout -d 'Stop istioctl and all it started if it takes longer than this' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -l batch-size -d 'How many workloads restart at once' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -l timeout -d 'How long each batch of restarted workloads may take to become Available' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -l wait-for-lock -d 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -l dry-run -d 'Show what would move back and be removed, and change nothing'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -l force -d 'Go on removing the new revision although pods still run its proxy'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from rollback" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from help" -f -a "status" -d 'Per revision: version, tags, health, namespaces, pods per proxy version; what is left to migrate; the next command'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Move namespaces to the new revision: relabel, and with --restart roll their workloads in batches and check each new pod\'s proxy revision'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from help" -f -a "finish" -d 'Remove the old control plane once no pod runs its proxy (istioctl uninstall -r OLD), keeping the CRDs and every user object'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from help" -f -a "rollback" -d 'Move the migrated namespaces back to the old revision (relabel, restart) and remove the new revision'
complete -c istioup -n "__fish_istioup_using_subcommand upgrade; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -f -a "status" -d 'The effective mode per namespace and workload, sidecars, and DestinationRules that turn client TLS off (the default)'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -f -a "strict" -d 'Require mutual TLS (PeerAuthentication STRICT), after showing who would be cut off'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -f -a "permissive" -d 'Accept plaintext again (PeerAuthentication PERMISSIVE), or remove istioup\'s policy with --remove'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and not __fish_seen_subcommand_from status strict permissive help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from status" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from status" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from status" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from status" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from status" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from status" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -l wait-for-lock -d 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder' -r
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -l window -d 'How far back Prometheus is asked about plaintext traffic' -r
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -l prometheus -d 'The Prometheus to ask, as NAMESPACE/SERVICE:PORT (default: Istio\'s addon, else a Service labelled prometheus)' -r
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -l mesh -d 'The whole mesh: the PeerAuthentication `default` in the root namespace (meshConfig.rootNamespace)'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -l dry-run -d 'Show the blast radius and the plan, and change nothing'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -l force -d 'Go on although clients would be cut off, or a namespace has no sidecar'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -l no-prometheus -d 'Do not ask Prometheus: judge from the pods without a sidecar alone'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from strict" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -l wait-for-lock -d 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder' -r
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -l mesh -d 'The whole mesh: the PeerAuthentication `default` in the root namespace (meshConfig.rootNamespace)'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -l dry-run -d 'Show the plan, and change nothing'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -l remove -d 'Delete istioup\'s PeerAuthentication instead of setting it to PERMISSIVE'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from permissive" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from help" -f -a "status" -d 'The effective mode per namespace and workload, sidecars, and DestinationRules that turn client TLS off (the default)'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from help" -f -a "strict" -d 'Require mutual TLS (PeerAuthentication STRICT), after showing who would be cut off'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from help" -f -a "permissive" -d 'Accept plaintext again (PeerAuthentication PERMISSIVE), or remove istioup\'s policy with --remove'
complete -c istioup -n "__fish_istioup_using_subcommand mtls; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioup -n "__fish_istioup_using_subcommand dashboard" -s p -l port -d 'Local port (default: the addon\'s own port, e.g. 20001 for Kiali, or any free port when that one is taken; 0: any free port)' -r
complete -c istioup -n "__fish_istioup_using_subcommand dashboard" -l address -d 'Local address to listen on' -r
complete -c istioup -n "__fish_istioup_using_subcommand dashboard" -s n -l namespace -d 'The namespace the addon runs in' -r
complete -c istioup -n "__fish_istioup_using_subcommand dashboard" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand dashboard" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand dashboard" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand dashboard" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand dashboard" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand dashboard" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand dashboard" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand dashboard" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand dashboard" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand dashboard" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand completions" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand completions" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand completions" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand completions" -l request-timeout -d 'How long one request to the API server may take before it is given up (kubectl\'s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure' -r
complete -c istioup -n "__fish_istioup_using_subcommand completions" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand completions" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand completions" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand completions" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand completions" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "render" -d 'Print the merged IstioOperator (base + overlays + --set); needs no cluster'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "images" -d 'List every image an install (and its addons) pulls, to mirror them for an air-gapped cluster; needs no cluster'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "context" -d 'Show which cluster istioup would act on, and where each part came from'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "check" -d 'Check that the cluster is ready for Istio, and change nothing'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "install" -d 'Install or upgrade Istio: checks, plan, confirmation, istioctl, verification, injection'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "enable" -d 'Turn sidecar injection on for namespaces or a workload'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "disable" -d 'Turn sidecar injection off for namespaces or a workload, or remove Istio from the cluster'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "uninstall" -d 'Remove Istio from the cluster, keeping every user object (same as `disable cluster`)'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "status" -d 'Show whether the mesh is healthy and who is in it'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "addons" -d 'Install or remove the addons of the Istio release (Kiali, Prometheus, Grafana, Jaeger, Zipkin, Loki)'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "upgrade" -d 'Upgrade Istio to istioctl\'s version: a canary revision next to the old one (or in place), then migrate namespaces, finish or roll back'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "mtls" -d 'Show mutual TLS per namespace, or switch namespaces or the mesh to STRICT safely and back'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "dashboard" -d 'Open an addon\'s web UI (Kiali, Grafana, Prometheus, Jaeger, Zipkin) on a local port; runs until interrupted'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render images context check install enable disable uninstall status addons upgrade mtls dashboard completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from enable" -f -a "namespace" -d 'Label namespaces for sidecar injection (istio-injection=enabled, or istio.io/rev=REV)'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from enable" -f -a "workload" -d 'Opt one workload in: pod template label sidecar.istio.io/inject="true" (rolls its pods)'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from disable" -f -a "namespace" -d 'Remove the injection labels istioup set on namespaces (or set istio-injection=disabled)'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from disable" -f -a "workload" -d 'Opt one workload out: pod template label sidecar.istio.io/inject="false" (rolls its pods)'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from disable" -f -a "cluster" -d 'Remove Istio from the cluster, keeping every user object (alias: istioup uninstall)'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from addons" -f -a "list" -d 'The addons the release ships, and which are installed (by istioup) with ready/desired pods'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from addons" -f -a "enable" -d 'Apply addons from the release\'s samples/addons (server-side apply, field manager istioup) and wait until each is Available; Kiali brings Prometheus'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from addons" -f -a "disable" -d 'Remove addons istioup installed (objects it labelled istioup.io/addon=NAME), never others'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from upgrade" -f -a "status" -d 'Per revision: version, tags, health, namespaces, pods per proxy version; what is left to migrate; the next command'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from upgrade" -f -a "migrate" -d 'Move namespaces to the new revision: relabel, and with --restart roll their workloads in batches and check each new pod\'s proxy revision'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from upgrade" -f -a "finish" -d 'Remove the old control plane once no pod runs its proxy (istioctl uninstall -r OLD), keeping the CRDs and every user object'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from upgrade" -f -a "rollback" -d 'Move the migrated namespaces back to the old revision (relabel, restart) and remove the new revision'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from mtls" -f -a "status" -d 'The effective mode per namespace and workload, sidecars, and DestinationRules that turn client TLS off (the default)'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from mtls" -f -a "strict" -d 'Require mutual TLS (PeerAuthentication STRICT), after showing who would be cut off'
complete -c istioup -n "__fish_istioup_using_subcommand help; and __fish_seen_subcommand_from mtls" -f -a "permissive" -d 'Accept plaintext again (PeerAuthentication PERMISSIVE), or remove istioup\'s policy with --remove'
