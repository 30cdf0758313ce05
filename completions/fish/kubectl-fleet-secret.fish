# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_fleet_secret_global_optspecs
    string join \n fleet-dir= use-case= sops= q/quiet v/verbose v= color= no-progress h/help V/version
end

function __fish_kubectl_fleet_secret_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_fleet_secret_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_fleet_secret_using_subcommand
    set -l cmd (__fish_kubectl_fleet_secret_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -l use-case -d 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -l sops -d 'The sops binary (default: $SOPS, else sops on PATH)' -r -F
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -f -a "set" -d 'Encrypt a Secret into clusters/CLUSTER/secrets/COMPONENT/ with the cluster\'s .sops.yaml'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -f -a "list" -d 'Show the cluster secrets in the repository without decrypting them'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -f -a "apply" -d 'Apply clusters\' secrets (and Namespaces) directly, decrypted in memory'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -l from-file -d 'A value from a file: KEY=PATH, or PATH (key: the file name). Repeatable' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -l from-env-file -d 'Values from KEY=VALUE lines of a file. Repeatable' -r -F
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -l from-stdin -d 'A value from stdin, byte for byte (use printf %s, not echo, to leave out a newline)' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -l from-literal -d 'Refused: a value in argv lands in shell history and in ps; use --from-file, --from-env-file or --from-stdin' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -s n -l namespace -d 'The Secret\'s namespace (default, keos: the component\'s, set by its secrets Kustomization)' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -l file -d 'The file name below the component directory (default: NAME.yaml)' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -l use-case -d 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -l sops -d 'The sops binary (default: $SOPS, else sops on PATH)' -r -F
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -l force -d 'Replace the file when it exists'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -l dry-run -d 'Show the Secret that would be encrypted (values redacted); write nothing'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand list" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand list" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand list" -l use-case -d 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand list" -l sops -d 'The sops binary (default: $SOPS, else sops on PATH)' -r -F
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand list" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand list" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand list" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand list" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand list" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -l use-case -d 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -l sops -d 'The sops binary (default: $SOPS, else sops on PATH)' -r -F
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -l dry-run -d 'Preflight, then show what would be applied (values redacted) instead of applying'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand help; and not __fish_seen_subcommand_from set list apply help" -f -a "set" -d 'Encrypt a Secret into clusters/CLUSTER/secrets/COMPONENT/ with the cluster\'s .sops.yaml'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand help; and not __fish_seen_subcommand_from set list apply help" -f -a "list" -d 'Show the cluster secrets in the repository without decrypting them'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand help; and not __fish_seen_subcommand_from set list apply help" -f -a "apply" -d 'Apply clusters\' secrets (and Namespaces) directly, decrypted in memory'
complete -c kubectl-fleet-secret -n "__fish_kubectl_fleet_secret_using_subcommand help; and not __fish_seen_subcommand_from set list apply help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
