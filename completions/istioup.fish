# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_istioup_global_optspecs
    string join \n kubeconfig= context= o/output= y/yes no-input color= v/verbose h/help V/version
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
complete -c istioup -n "__fish_istioup_needs_command" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_needs_command" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_needs_command" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c istioup -n "__fish_istioup_needs_command" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "render" -d 'Print the merged IstioOperator (base + overlays + --set); needs no cluster'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "context" -d 'Show which cluster istioup would act on, and where each part came from'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c istioup -n "__fish_istioup_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioup -n "__fish_istioup_using_subcommand render" -s f -l overlay -l filename -d 'Overlay file applied onto the built-in base, in order; `-` reads stdin (once)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand render" -l set -d 'Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)' -r
complete -c istioup -n "__fish_istioup_using_subcommand render" -l profile -d 'Istio profile (shortcut for --set profile=NAME)' -r
complete -c istioup -n "__fish_istioup_using_subcommand render" -l revision -d 'Control plane revision (shortcut for --set revision=NAME)' -r
complete -c istioup -n "__fish_istioup_using_subcommand render" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand render" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand render" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand render" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand render" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand render" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand render" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand render" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand render" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand context" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand context" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand context" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand context" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand context" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand context" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand context" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand context" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand context" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand completions" -l kubeconfig -d 'Path to the kubeconfig file (beats KUBECONFIG)' -r -F
complete -c istioup -n "__fish_istioup_using_subcommand completions" -l context -d 'The kubeconfig context to use (beats current-context)' -r
complete -c istioup -n "__fish_istioup_using_subcommand completions" -s o -l output -d 'Output format of commands that report data' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioup -n "__fish_istioup_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c istioup -n "__fish_istioup_using_subcommand completions" -s y -l yes -d 'Answer yes to every confirmation'
complete -c istioup -n "__fish_istioup_using_subcommand completions" -l no-input -d 'Never prompt; fail where an answer would be needed'
complete -c istioup -n "__fish_istioup_using_subcommand completions" -s v -l verbose -d 'Say more about what is going on (repeat for more)'
complete -c istioup -n "__fish_istioup_using_subcommand completions" -s h -l help -d 'Print help'
complete -c istioup -n "__fish_istioup_using_subcommand completions" -s V -l version -d 'Print version'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render context completions help" -f -a "render" -d 'Print the merged IstioOperator (base + overlays + --set); needs no cluster'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render context completions help" -f -a "context" -d 'Show which cluster istioup would act on, and where each part came from'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render context completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c istioup -n "__fish_istioup_using_subcommand help; and not __fish_seen_subcommand_from render context completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
