
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
            cand context 'Show which cluster istioup would act on, and where each part came from'
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
            cand --kubeconfig 'Path to the kubeconfig file (beats KUBECONFIG)'
            cand --context 'The kubeconfig context to use (beats current-context)'
            cand -o 'Output format of commands that report data'
            cand --output 'Output format of commands that report data'
            cand --color 'When to use colour (NO_COLOR is honoured with auto)'
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
            cand context 'Show which cluster istioup would act on, and where each part came from'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'istioup;help;render'= {
        }
        &'istioup;help;context'= {
        }
        &'istioup;help;completions'= {
        }
        &'istioup;help;help'= {
        }
    ]
    $completions[$command]
}
