# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_fleet_bootstrap_global_optspecs
    string join \n kubeconfig= context= all-contexts request-timeout= q/quiet v/verbose color= no-progress h/help V/version
end

function __fish_kubectl_fleet_bootstrap_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_fleet_bootstrap_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_fleet_bootstrap_using_subcommand
    set -l cmd (__fish_kubectl_fleet_bootstrap_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -a "init" -d 'Write clusters/CLUSTER/ in the fleet repository'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -a "status" -d 'Show Flux status per cluster'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand help; and not __fish_seen_subcommand_from init status help" -f -a "init" -d 'Write clusters/CLUSTER/ in the fleet repository'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand help; and not __fish_seen_subcommand_from init status help" -f -a "status" -d 'Show Flux status per cluster'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand help; and not __fish_seen_subcommand_from init status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
