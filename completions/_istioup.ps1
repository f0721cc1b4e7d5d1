
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'istioup' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'istioup'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'istioup' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Print the merged IstioOperator (base + overlays + --set); needs no cluster')
            [CompletionResult]::new('images', 'images', [CompletionResultType]::ParameterValue, 'List every image an install (and its addons) pulls, to mirror them for an air-gapped cluster; needs no cluster')
            [CompletionResult]::new('context', 'context', [CompletionResultType]::ParameterValue, 'Show which cluster istioup would act on, and where each part came from')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check that the cluster is ready for Istio, and change nothing')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install or upgrade Istio: checks, plan, confirmation, istioctl, verification, injection')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Turn sidecar injection on for namespaces or a workload')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Turn sidecar injection off for namespaces or a workload, or remove Istio from the cluster')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove Istio from the cluster, keeping every user object (same as `disable cluster`)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show whether the mesh is healthy and who is in it')
            [CompletionResult]::new('addons', 'addons', [CompletionResultType]::ParameterValue, 'Install or remove the addons of the Istio release (Kiali, Prometheus, Grafana, Jaeger, Zipkin, Loki)')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Upgrade Istio to istioctl''s version: a canary revision next to the old one (or in place), then migrate namespaces, finish or roll back')
            [CompletionResult]::new('mtls', 'mtls', [CompletionResultType]::ParameterValue, 'Show mutual TLS per namespace, or switch namespaces or the mesh to STRICT safely and back')
            [CompletionResult]::new('dashboard', 'dashboard', [CompletionResultType]::ParameterValue, 'Open an addon''s web UI (Kiali, Grafana, Prometheus, Jaeger, Zipkin) on a local port; runs until interrupted')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'istioup;render' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--overlay', '--overlay', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Istio profile (shortcut for --set profile=NAME)')
            [CompletionResult]::new('--revision', '--revision', [CompletionResultType]::ParameterName, 'Control plane revision (shortcut for --set revision=NAME)')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio''s hub and every component hub become it; `istioup images --registry` lists what to copy there')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;images' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--overlay', '--overlay', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Istio profile (shortcut for --set profile=NAME)')
            [CompletionResult]::new('--revision', '--revision', [CompletionResultType]::ParameterName, 'Control plane revision (shortcut for --set revision=NAME)')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio''s hub and every component hub become it; `istioup images --registry` lists what to copy there')
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--addons', '--addons', [CompletionResultType]::ParameterName, 'Addons whose images to list too, comma-separated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none')
            [CompletionResult]::new('--addons-dir', '--addons-dir', [CompletionResultType]::ParameterName, 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;context' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;check' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--overlay', '--overlay', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Istio profile (shortcut for --set profile=NAME)')
            [CompletionResult]::new('--revision', '--revision', [CompletionResultType]::ParameterName, 'Control plane revision (shortcut for --set revision=NAME)')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio''s hub and every component hub become it; `istioup images --registry` lists what to copy there')
            [CompletionResult]::new('--inject', '--inject', [CompletionResultType]::ParameterName, 'Namespace to enable sidecar injection in (repeatable)')
            [CompletionResult]::new('--inject-selector', '--inject-selector', [CompletionResultType]::ParameterName, 'Inject the namespaces matching this label selector (e.g. team=shop)')
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Treat warnings as failures (for CI)')
            [CompletionResult]::new('--skip-check', '--skip-check', [CompletionResultType]::ParameterName, 'Skip a check by its id (repeatable), for an admin who knows better')
            [CompletionResult]::new('--addons', '--addons', [CompletionResultType]::ParameterName, 'Addons to apply after Istio, comma-separated or repeated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none [default: kiali, with a Prometheus unless the cluster has one]')
            [CompletionResult]::new('--addons-dir', '--addons-dir', [CompletionResultType]::ParameterName, 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('--inject-all', '--inject-all', [CompletionResultType]::ParameterName, 'Inject every namespace except kube-*, the Istio namespace, and those labelled istio-injection=disabled')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Take over a mesh another tool installed (Helm): istioctl then manages it, not Helm')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;install' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--overlay', '--overlay', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Istio profile (shortcut for --set profile=NAME)')
            [CompletionResult]::new('--revision', '--revision', [CompletionResultType]::ParameterName, 'Control plane revision (shortcut for --set revision=NAME)')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio''s hub and every component hub become it; `istioup images --registry` lists what to copy there')
            [CompletionResult]::new('--inject', '--inject', [CompletionResultType]::ParameterName, 'Namespace to enable sidecar injection in (repeatable)')
            [CompletionResult]::new('--inject-selector', '--inject-selector', [CompletionResultType]::ParameterName, 'Inject the namespaces matching this label selector (e.g. team=shop)')
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Treat warnings as failures (for CI)')
            [CompletionResult]::new('--skip-check', '--skip-check', [CompletionResultType]::ParameterName, 'Skip a check by its id (repeatable), for an admin who knows better')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'How many workloads restart at once')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each batch of restarted workloads may take to become Available')
            [CompletionResult]::new('--wait-for-lock', '--wait-for-lock', [CompletionResultType]::ParameterName, 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder')
            [CompletionResult]::new('--readiness-timeout', '--readiness-timeout', [CompletionResultType]::ParameterName, 'How long istioctl waits for each component to become ready (passed as --readiness-timeout)')
            [CompletionResult]::new('--istioctl-timeout', '--istioctl-timeout', [CompletionResultType]::ParameterName, 'Stop istioctl and all it started if the whole run takes longer than this [default: 3 × --readiness-timeout + 5m]')
            [CompletionResult]::new('--istioctl-arg', '--istioctl-arg', [CompletionResultType]::ParameterName, 'Extra argument passed to `istioctl install` verbatim (repeatable), e.g. --istioctl-arg=--force')
            [CompletionResult]::new('--mtls', '--mtls', [CompletionResultType]::ParameterName, 'After a verified install, require mutual TLS mesh-wide, with the blast-radius check of `istioup mtls strict --mesh`')
            [CompletionResult]::new('--addons', '--addons', [CompletionResultType]::ParameterName, 'Addons to apply after Istio, comma-separated or repeated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none [default: kiali, with a Prometheus unless the cluster has one]')
            [CompletionResult]::new('--addons-dir', '--addons-dir', [CompletionResultType]::ParameterName, 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('--inject-all', '--inject-all', [CompletionResultType]::ParameterName, 'Inject every namespace except kube-*, the Istio namespace, and those labelled istio-injection=disabled')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Take over a mesh another tool installed (Helm): istioctl then manages it, not Helm')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and the rendered IstioOperator, and change nothing')
            [CompletionResult]::new('--restart', '--restart', [CompletionResultType]::ParameterName, 'Restart the workloads of injected namespaces so their pods get a sidecar')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;enable' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('namespace', 'namespace', [CompletionResultType]::ParameterValue, 'Label namespaces for sidecar injection (istio-injection=enabled, or istio.io/rev=REV)')
            [CompletionResult]::new('workload', 'workload', [CompletionResultType]::ParameterValue, 'Opt one workload in: pod template label sidecar.istio.io/inject="true" (rolls its pods)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'istioup;enable;namespace' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'The namespaces matching this label selector (e.g. team=shop)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'The namespaces matching this label selector (e.g. team=shop)')
            [CompletionResult]::new('--revision', '--revision', [CompletionResultType]::ParameterName, 'Inject with this control plane revision (istio.io/rev=REV) instead of the default one')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'How many workloads restart at once')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each batch of restarted workloads may take to become Available')
            [CompletionResult]::new('--wait-for-lock', '--wait-for-lock', [CompletionResultType]::ParameterName, 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every namespace except kube-* and the Istio namespaces')
            [CompletionResult]::new('--restart', '--restart', [CompletionResultType]::ParameterName, 'Restart the workloads whose pods lack a sidecar, batch by batch')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;enable;workload' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The workload''s namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The workload''s namespace (default: the context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;enable;help' {
            [CompletionResult]::new('namespace', 'namespace', [CompletionResultType]::ParameterValue, 'Label namespaces for sidecar injection (istio-injection=enabled, or istio.io/rev=REV)')
            [CompletionResult]::new('workload', 'workload', [CompletionResultType]::ParameterValue, 'Opt one workload in: pod template label sidecar.istio.io/inject="true" (rolls its pods)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'istioup;enable;help;namespace' {
            break
        }
        'istioup;enable;help;workload' {
            break
        }
        'istioup;enable;help;help' {
            break
        }
        'istioup;disable' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('namespace', 'namespace', [CompletionResultType]::ParameterValue, 'Remove the injection labels istioup set on namespaces (or set istio-injection=disabled)')
            [CompletionResult]::new('workload', 'workload', [CompletionResultType]::ParameterValue, 'Opt one workload out: pod template label sidecar.istio.io/inject="false" (rolls its pods)')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Remove Istio from the cluster, keeping every user object (alias: istioup uninstall)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'istioup;disable;namespace' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'The namespaces matching this label selector (e.g. team=shop)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'The namespaces matching this label selector (e.g. team=shop)')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'How many workloads restart at once')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each batch of restarted workloads may take to become Available')
            [CompletionResult]::new('--wait-for-lock', '--wait-for-lock', [CompletionResultType]::ParameterName, 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every namespace except kube-* and the Istio namespaces')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Also remove injection labels istioup did not set')
            [CompletionResult]::new('--explicit', '--explicit', [CompletionResultType]::ParameterName, 'Set istio-injection=disabled instead of removing the label, so a mesh-wide default cannot inject')
            [CompletionResult]::new('--restart', '--restart', [CompletionResultType]::ParameterName, 'Restart the workloads whose pods still carry a sidecar, batch by batch')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;disable;workload' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The workload''s namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The workload''s namespace (default: the context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;disable;cluster' {
            [CompletionResult]::new('--backup', '--backup', [CompletionResultType]::ParameterName, 'With --purge: first write every Istio custom resource to DIR (restore: kubectl apply -f DIR)')
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--istioctl-timeout', '--istioctl-timeout', [CompletionResultType]::ParameterName, 'Stop istioctl and all it started if it takes longer than this')
            [CompletionResult]::new('--wait-for-lock', '--wait-for-lock', [CompletionResultType]::ParameterName, 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go on although pods still carry sidecars (they lose the proxy when restarted)')
            [CompletionResult]::new('--purge', '--purge', [CompletionResultType]::ParameterName, 'Also delete the Istio CRDs, and with them every user Istio object; needs --backup DIR or --no-backup')
            [CompletionResult]::new('--no-backup', '--no-backup', [CompletionResultType]::ParameterName, 'With --purge: delete the user Istio objects without a backup')
            [CompletionResult]::new('--delete-namespace', '--delete-namespace', [CompletionResultType]::ParameterName, 'Also delete the Istio namespace (istio-system)')
            [CompletionResult]::new('--keep-addons', '--keep-addons', [CompletionResultType]::ParameterName, 'Keep the addons istioup installed (istioup addons enable); by default they are removed')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be removed and kept, and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;disable;help' {
            [CompletionResult]::new('namespace', 'namespace', [CompletionResultType]::ParameterValue, 'Remove the injection labels istioup set on namespaces (or set istio-injection=disabled)')
            [CompletionResult]::new('workload', 'workload', [CompletionResultType]::ParameterValue, 'Opt one workload out: pod template label sidecar.istio.io/inject="false" (rolls its pods)')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Remove Istio from the cluster, keeping every user object (alias: istioup uninstall)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'istioup;disable;help;namespace' {
            break
        }
        'istioup;disable;help;workload' {
            break
        }
        'istioup;disable;help;cluster' {
            break
        }
        'istioup;disable;help;help' {
            break
        }
        'istioup;uninstall' {
            [CompletionResult]::new('--backup', '--backup', [CompletionResultType]::ParameterName, 'With --purge: first write every Istio custom resource to DIR (restore: kubectl apply -f DIR)')
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--istioctl-timeout', '--istioctl-timeout', [CompletionResultType]::ParameterName, 'Stop istioctl and all it started if it takes longer than this')
            [CompletionResult]::new('--wait-for-lock', '--wait-for-lock', [CompletionResultType]::ParameterName, 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go on although pods still carry sidecars (they lose the proxy when restarted)')
            [CompletionResult]::new('--purge', '--purge', [CompletionResultType]::ParameterName, 'Also delete the Istio CRDs, and with them every user Istio object; needs --backup DIR or --no-backup')
            [CompletionResult]::new('--no-backup', '--no-backup', [CompletionResultType]::ParameterName, 'With --purge: delete the user Istio objects without a backup')
            [CompletionResult]::new('--delete-namespace', '--delete-namespace', [CompletionResultType]::ParameterName, 'Also delete the Istio namespace (istio-system)')
            [CompletionResult]::new('--keep-addons', '--keep-addons', [CompletionResultType]::ParameterName, 'Keep the addons istioup installed (istioup addons enable); by default they are removed')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be removed and kept, and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;status' {
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;addons' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The addons the release ships, and which are installed (by istioup) with ready/desired pods')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Apply addons from the release''s samples/addons (server-side apply, field manager istioup) and wait until each is Available; Kiali brings Prometheus')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Remove addons istioup installed (objects it labelled istioup.io/addon=NAME), never others')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'istioup;addons;list' {
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--addons-dir', '--addons-dir', [CompletionResultType]::ParameterName, 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;addons;enable' {
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--addons-dir', '--addons-dir', [CompletionResultType]::ParameterName, 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each addon may take to become Available')
            [CompletionResult]::new('--wait-for-lock', '--wait-for-lock', [CompletionResultType]::ParameterName, 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;addons;disable' {
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--addons-dir', '--addons-dir', [CompletionResultType]::ParameterName, 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each addon may take to become Available')
            [CompletionResult]::new('--wait-for-lock', '--wait-for-lock', [CompletionResultType]::ParameterName, 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;addons;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The addons the release ships, and which are installed (by istioup) with ready/desired pods')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Apply addons from the release''s samples/addons (server-side apply, field manager istioup) and wait until each is Available; Kiali brings Prometheus')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Remove addons istioup installed (objects it labelled istioup.io/addon=NAME), never others')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'istioup;addons;help;list' {
            break
        }
        'istioup;addons;help;enable' {
            break
        }
        'istioup;addons;help;disable' {
            break
        }
        'istioup;addons;help;help' {
            break
        }
        'istioup;upgrade' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--overlay', '--overlay', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Istio profile (shortcut for --set profile=NAME)')
            [CompletionResult]::new('--revision', '--revision', [CompletionResultType]::ParameterName, 'Control plane revision (shortcut for --set revision=NAME)')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio''s hub and every component hub become it; `istioup images --registry` lists what to copy there')
            [CompletionResult]::new('--inject-selector', '--inject-selector', [CompletionResultType]::ParameterName, 'Inject the namespaces matching this label selector (e.g. team=shop)')
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Treat warnings as failures (for CI)')
            [CompletionResult]::new('--skip-check', '--skip-check', [CompletionResultType]::ParameterName, 'Skip a check by its id (repeatable), for an admin who knows better')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'How many workloads restart at once')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each batch of restarted workloads may take to become Available')
            [CompletionResult]::new('--wait-for-lock', '--wait-for-lock', [CompletionResultType]::ParameterName, 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder')
            [CompletionResult]::new('--readiness-timeout', '--readiness-timeout', [CompletionResultType]::ParameterName, 'How long istioctl waits for each component to become ready (passed as --readiness-timeout)')
            [CompletionResult]::new('--istioctl-timeout', '--istioctl-timeout', [CompletionResultType]::ParameterName, 'Stop istioctl and all it started if the whole run takes longer than this [default: 3 × --readiness-timeout + 5m]')
            [CompletionResult]::new('--istioctl-arg', '--istioctl-arg', [CompletionResultType]::ParameterName, 'Extra argument passed to `istioctl install` verbatim (repeatable), e.g. --istioctl-arg=--force')
            [CompletionResult]::new('--mtls', '--mtls', [CompletionResultType]::ParameterName, 'After a verified install, require mutual TLS mesh-wide, with the blast-radius check of `istioup mtls strict --mesh`')
            [CompletionResult]::new('--addons', '--addons', [CompletionResultType]::ParameterName, 'Addons to apply after Istio, comma-separated or repeated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none [default: kiali, with a Prometheus unless the cluster has one]')
            [CompletionResult]::new('--addons-dir', '--addons-dir', [CompletionResultType]::ParameterName, 'The addon manifests (default: samples/addons of the Istio release istioctl comes from)')
            [CompletionResult]::new('--inject', '--inject', [CompletionResultType]::ParameterName, 'In place only: namespace to enable sidecar injection in (a canary moves namespaces with `upgrade migrate`)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Upgrade the running revision where it is (istioctl install over it); with --restart, roll the workloads whose proxy is older than the new control plane')
            [CompletionResult]::new('--canary', '--canary', [CompletionResultType]::ParameterName, 'Install the new version as a new revision next to the old one (the default when the mesh has a revision); --revision NAME names it (default: the version, 1-30-2)')
            [CompletionResult]::new('--inject-all', '--inject-all', [CompletionResultType]::ParameterName, 'Inject every namespace except kube-*, the Istio namespace, and those labelled istio-injection=disabled')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and the rendered IstioOperator, and change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go on although the version jump is unsupported (more than two minor versions); also takes over a mesh Helm installed')
            [CompletionResult]::new('--restart', '--restart', [CompletionResultType]::ParameterName, 'In place: roll the workloads whose proxy is older than the new control plane, in batches')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Per revision: version, tags, health, namespaces, pods per proxy version; what is left to migrate; the next command')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move namespaces to the new revision: relabel, and with --restart roll their workloads in batches and check each new pod''s proxy revision')
            [CompletionResult]::new('finish', 'finish', [CompletionResultType]::ParameterValue, 'Remove the old control plane once no pod runs its proxy (istioctl uninstall -r OLD), keeping the CRDs and every user object')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Move the migrated namespaces back to the old revision (relabel, restart) and remove the new revision')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'istioup;upgrade;status' {
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;upgrade;migrate' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'The namespaces matching this label selector (e.g. team=shop)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'The namespaces matching this label selector (e.g. team=shop)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Label the namespaces with this revision tag (e.g. prod) instead of the revision, and move the tag to the new revision (istioctl tag set NAME --revision NEW --overwrite): every namespace carrying it moves')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'How many workloads restart at once')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each batch of restarted workloads may take to become Available')
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--istioctl-timeout', '--istioctl-timeout', [CompletionResultType]::ParameterName, 'Stop istioctl (tag set) if it takes longer than this')
            [CompletionResult]::new('--wait-for-lock', '--wait-for-lock', [CompletionResultType]::ParameterName, 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every namespace except kube-* and the Istio namespaces')
            [CompletionResult]::new('--restart', '--restart', [CompletionResultType]::ParameterName, 'Roll the workloads of the relabelled namespaces, batch by batch, and check their proxies')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Also replace an istio-injection=enabled label someone else set (it beats istio.io/rev)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be relabelled and restarted, and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;upgrade;finish' {
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--istioctl-timeout', '--istioctl-timeout', [CompletionResultType]::ParameterName, 'Stop istioctl and all it started if it takes longer than this')
            [CompletionResult]::new('--wait-for-lock', '--wait-for-lock', [CompletionResultType]::ParameterName, 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go on although pods still run a proxy of the old revision (they lose their control plane)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be removed and kept, and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;upgrade;rollback' {
            [CompletionResult]::new('--istioctl', '--istioctl', [CompletionResultType]::ParameterName, 'The istioctl binary (else ISTIOCTL, else istioctl on PATH)')
            [CompletionResult]::new('--istioctl-timeout', '--istioctl-timeout', [CompletionResultType]::ParameterName, 'Stop istioctl and all it started if it takes longer than this')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'How many workloads restart at once')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each batch of restarted workloads may take to become Available')
            [CompletionResult]::new('--wait-for-lock', '--wait-for-lock', [CompletionResultType]::ParameterName, 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would move back and be removed, and change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go on removing the new revision although pods still run its proxy')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;upgrade;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Per revision: version, tags, health, namespaces, pods per proxy version; what is left to migrate; the next command')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move namespaces to the new revision: relabel, and with --restart roll their workloads in batches and check each new pod''s proxy revision')
            [CompletionResult]::new('finish', 'finish', [CompletionResultType]::ParameterValue, 'Remove the old control plane once no pod runs its proxy (istioctl uninstall -r OLD), keeping the CRDs and every user object')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Move the migrated namespaces back to the old revision (relabel, restart) and remove the new revision')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'istioup;upgrade;help;status' {
            break
        }
        'istioup;upgrade;help;migrate' {
            break
        }
        'istioup;upgrade;help;finish' {
            break
        }
        'istioup;upgrade;help;rollback' {
            break
        }
        'istioup;upgrade;help;help' {
            break
        }
        'istioup;mtls' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The effective mode per namespace and workload, sidecars, and DestinationRules that turn client TLS off (the default)')
            [CompletionResult]::new('strict', 'strict', [CompletionResultType]::ParameterValue, 'Require mutual TLS (PeerAuthentication STRICT), after showing who would be cut off')
            [CompletionResult]::new('permissive', 'permissive', [CompletionResultType]::ParameterValue, 'Accept plaintext again (PeerAuthentication PERMISSIVE), or remove istioup''s policy with --remove')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'istioup;mtls;status' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;mtls;strict' {
            [CompletionResult]::new('--wait-for-lock', '--wait-for-lock', [CompletionResultType]::ParameterName, 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'How far back Prometheus is asked about plaintext traffic')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'The Prometheus to ask, as NAMESPACE/SERVICE:PORT (default: Istio''s addon, else a Service labelled prometheus)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('--mesh', '--mesh', [CompletionResultType]::ParameterName, 'The whole mesh: the PeerAuthentication `default` in the root namespace (meshConfig.rootNamespace)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the blast radius and the plan, and change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go on although clients would be cut off, or a namespace has no sidecar')
            [CompletionResult]::new('--no-prometheus', '--no-prometheus', [CompletionResultType]::ParameterName, 'Do not ask Prometheus: judge from the pods without a sidecar alone')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;mtls;permissive' {
            [CompletionResult]::new('--wait-for-lock', '--wait-for-lock', [CompletionResultType]::ParameterName, 'Wait up to this long while another istioup changes this cluster (it holds the Lease istioup-lock in the Istio namespace); 0s refuses at once, naming the holder')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('--mesh', '--mesh', [CompletionResultType]::ParameterName, 'The whole mesh: the PeerAuthentication `default` in the root namespace (meshConfig.rootNamespace)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the plan, and change nothing')
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Delete istioup''s PeerAuthentication instead of setting it to PERMISSIVE')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;mtls;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The effective mode per namespace and workload, sidecars, and DestinationRules that turn client TLS off (the default)')
            [CompletionResult]::new('strict', 'strict', [CompletionResultType]::ParameterValue, 'Require mutual TLS (PeerAuthentication STRICT), after showing who would be cut off')
            [CompletionResult]::new('permissive', 'permissive', [CompletionResultType]::ParameterValue, 'Accept plaintext again (PeerAuthentication PERMISSIVE), or remove istioup''s policy with --remove')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'istioup;mtls;help;status' {
            break
        }
        'istioup;mtls;help;strict' {
            break
        }
        'istioup;mtls;help;permissive' {
            break
        }
        'istioup;mtls;help;help' {
            break
        }
        'istioup;dashboard' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Local port (default: the addon''s own port, e.g. 20001 for Kiali, or any free port when that one is taken; 0: any free port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local port (default: the addon''s own port, e.g. 20001 for Kiali, or any free port when that one is taken; 0: any free port)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Local address to listen on')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace the addon runs in')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace the addon runs in')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;completions' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (beats KUBECONFIG)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (beats current-context)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of commands that report data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long one request to the API server may take before it is given up (kubectl''s flag; 0 for no limit). Requests istioup can repeat safely are retried on failure')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail where an answer would be needed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is going on (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'istioup;help' {
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Print the merged IstioOperator (base + overlays + --set); needs no cluster')
            [CompletionResult]::new('images', 'images', [CompletionResultType]::ParameterValue, 'List every image an install (and its addons) pulls, to mirror them for an air-gapped cluster; needs no cluster')
            [CompletionResult]::new('context', 'context', [CompletionResultType]::ParameterValue, 'Show which cluster istioup would act on, and where each part came from')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check that the cluster is ready for Istio, and change nothing')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install or upgrade Istio: checks, plan, confirmation, istioctl, verification, injection')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Turn sidecar injection on for namespaces or a workload')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Turn sidecar injection off for namespaces or a workload, or remove Istio from the cluster')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove Istio from the cluster, keeping every user object (same as `disable cluster`)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show whether the mesh is healthy and who is in it')
            [CompletionResult]::new('addons', 'addons', [CompletionResultType]::ParameterValue, 'Install or remove the addons of the Istio release (Kiali, Prometheus, Grafana, Jaeger, Zipkin, Loki)')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Upgrade Istio to istioctl''s version: a canary revision next to the old one (or in place), then migrate namespaces, finish or roll back')
            [CompletionResult]::new('mtls', 'mtls', [CompletionResultType]::ParameterValue, 'Show mutual TLS per namespace, or switch namespaces or the mesh to STRICT safely and back')
            [CompletionResult]::new('dashboard', 'dashboard', [CompletionResultType]::ParameterValue, 'Open an addon''s web UI (Kiali, Grafana, Prometheus, Jaeger, Zipkin) on a local port; runs until interrupted')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'istioup;help;render' {
            break
        }
        'istioup;help;images' {
            break
        }
        'istioup;help;context' {
            break
        }
        'istioup;help;check' {
            break
        }
        'istioup;help;install' {
            break
        }
        'istioup;help;enable' {
            [CompletionResult]::new('namespace', 'namespace', [CompletionResultType]::ParameterValue, 'Label namespaces for sidecar injection (istio-injection=enabled, or istio.io/rev=REV)')
            [CompletionResult]::new('workload', 'workload', [CompletionResultType]::ParameterValue, 'Opt one workload in: pod template label sidecar.istio.io/inject="true" (rolls its pods)')
            break
        }
        'istioup;help;enable;namespace' {
            break
        }
        'istioup;help;enable;workload' {
            break
        }
        'istioup;help;disable' {
            [CompletionResult]::new('namespace', 'namespace', [CompletionResultType]::ParameterValue, 'Remove the injection labels istioup set on namespaces (or set istio-injection=disabled)')
            [CompletionResult]::new('workload', 'workload', [CompletionResultType]::ParameterValue, 'Opt one workload out: pod template label sidecar.istio.io/inject="false" (rolls its pods)')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Remove Istio from the cluster, keeping every user object (alias: istioup uninstall)')
            break
        }
        'istioup;help;disable;namespace' {
            break
        }
        'istioup;help;disable;workload' {
            break
        }
        'istioup;help;disable;cluster' {
            break
        }
        'istioup;help;uninstall' {
            break
        }
        'istioup;help;status' {
            break
        }
        'istioup;help;addons' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The addons the release ships, and which are installed (by istioup) with ready/desired pods')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Apply addons from the release''s samples/addons (server-side apply, field manager istioup) and wait until each is Available; Kiali brings Prometheus')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Remove addons istioup installed (objects it labelled istioup.io/addon=NAME), never others')
            break
        }
        'istioup;help;addons;list' {
            break
        }
        'istioup;help;addons;enable' {
            break
        }
        'istioup;help;addons;disable' {
            break
        }
        'istioup;help;upgrade' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Per revision: version, tags, health, namespaces, pods per proxy version; what is left to migrate; the next command')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move namespaces to the new revision: relabel, and with --restart roll their workloads in batches and check each new pod''s proxy revision')
            [CompletionResult]::new('finish', 'finish', [CompletionResultType]::ParameterValue, 'Remove the old control plane once no pod runs its proxy (istioctl uninstall -r OLD), keeping the CRDs and every user object')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Move the migrated namespaces back to the old revision (relabel, restart) and remove the new revision')
            break
        }
        'istioup;help;upgrade;status' {
            break
        }
        'istioup;help;upgrade;migrate' {
            break
        }
        'istioup;help;upgrade;finish' {
            break
        }
        'istioup;help;upgrade;rollback' {
            break
        }
        'istioup;help;mtls' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The effective mode per namespace and workload, sidecars, and DestinationRules that turn client TLS off (the default)')
            [CompletionResult]::new('strict', 'strict', [CompletionResultType]::ParameterValue, 'Require mutual TLS (PeerAuthentication STRICT), after showing who would be cut off')
            [CompletionResult]::new('permissive', 'permissive', [CompletionResultType]::ParameterValue, 'Accept plaintext again (PeerAuthentication PERMISSIVE), or remove istioup''s policy with --remove')
            break
        }
        'istioup;help;mtls;status' {
            break
        }
        'istioup;help;mtls;strict' {
            break
        }
        'istioup;help;mtls;permissive' {
            break
        }
        'istioup;help;dashboard' {
            break
        }
        'istioup;help;completions' {
            break
        }
        'istioup;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
