# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_fleet_global_optspecs
    string join \n h/help V/version
end

function __fish_kubectl_fleet_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_fleet_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_fleet_using_subcommand
    set -l cmd (__fish_kubectl_fleet_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -s h -l help -d 'Print help'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "bootstrap" -d 'Scaffold clusters in the fleet repo and bootstrap Flux on one cluster or the whole fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "tenant" -d 'Onboard tenant namespaces and platform components, and show tenants\' health'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "token" -d 'Keep git tokens (PATs) in the OS keyring, check their expiry and rotate them fleet-wide'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "tree" -d 'Show what Flux manages as a live-status tree, on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "version" -d 'Print the version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "completion" -d 'Set up shell completion'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -a "init" -d 'Write clusters/CLUSTER/ in the fleet repository'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -a "status" -d 'Show Flux status per cluster'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write clusters/CLUSTER/ in the fleet repository'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show Flux status per cluster'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -f -a "create" -d 'Onboard a tenant namespace (writes its directory; --apply also applies it)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -f -a "delete" -d 'Remove a tenant namespace (its directory; --apply also deletes it from clusters)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -f -a "component" -d 'Platform components (reconciled as cluster admin)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -f -a "automation" -d 'Write a tenant\'s image-automation directory'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -f -a "list" -d 'Show tenants\' health on one or more clusters'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component automation list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l tenant -d 'The tenant the namespace belongs to (its ServiceAccount, Secret and label)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l git-url -d 'The tenant\'s git repository (default: the one its other namespaces use)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l role -d 'ClusterRole bound to the tenant ServiceAccount in its namespace' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l path -d 'Kustomization path; must contain the overlay variable (d1: ${ENVIRONMENT}, keos: ${STRATIO_SIZE}). Default: ./components/<namespace>/${ENVIRONMENT}' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l token -d 'With --apply: write Secret flux-system/flux-<tenant> from this stored credential (kubectl fleet token set NAME)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l token-env -d 'With --apply: read the tenant\'s token from this environment variable' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l username -d 'With --apply: basic-auth username of the tenant Secret' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l force -d 'Overwrite files that exist with other content'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l dry-run -d 'Show the diff (and, with --apply, the objects per cluster) without changing anything'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l apply -d 'Also apply the tenant to the selected clusters (--context, --all-contexts)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l token-stdin -d 'With --apply: read the tenant\'s token from stdin'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l propagate -d 'With --apply, on clusters without Kyverno: copy the tenant Secret and the runtime info into every namespace of the tenant, and keep the copies in sync'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l tenant -d 'The tenant (default: the one the fleet repository assigns the namespace to)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l timeout -d 'How long to wait for the tenant Kustomization\'s finalizer before giving up' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l apply -d 'Also delete the namespace and its Flux objects on the selected clusters'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l force -d 'Also remove files in the directory that kubectl fleet did not generate'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l dry-run -d 'Show what would be removed without removing anything'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -f -a "add" -d 'Onboard a platform component: <name>-controllers and <name>-configs, listed in the components kustomization.yaml'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l git-url -d 'The tenant\'s git repository (default: the one its namespaces use)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l author-name -d 'Commit author name' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l author-email -d 'Commit author email' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l force -d 'Overwrite files that exist with other content'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l dry-run -d 'Show the diff without writing'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l tenant -d 'Only this tenant' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from help" -f -a "create" -d 'Onboard a tenant namespace (writes its directory; --apply also applies it)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Remove a tenant namespace (its directory; --apply also deletes it from clusters)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from help" -f -a "component" -d 'Platform components (reconciled as cluster admin)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from help" -f -a "automation" -d 'Write a tenant\'s image-automation directory'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from help" -f -a "list" -d 'Show tenants\' health on one or more clusters'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -f -a "set" -d 'Store a token in the OS keyring (hidden prompt, or --from-stdin)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -f -a "list" -d 'List stored tokens with their expiry and last check'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -f -a "ls" -d 'List stored tokens with their expiry and last check'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -f -a "delete" -d 'Delete a stored token (and its metadata)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -f -a "rm" -d 'Delete a stored token (and its metadata)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -f -a "check" -d 'Ask the provider whether tokens work and when they expire'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -f -a "rotate" -d 'Replace a token on every selected cluster and wait for Flux to fetch with the new one'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l provider -d 'Git hosting provider (default: the stored one, else guessed from the token prefix, else github)' -r -f -a "github\t'github.com or GitHub Enterprise Server'
gitlab\t'gitlab.com or a self-managed GitLab'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l api-url -d 'Provider API base URL (GitHub Enterprise: https://HOST/api/v3; GitLab: https://HOST/api/v4)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l username -d 'Basic-auth username written into git Secrets (default: the stored one, else "git")' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l from-stdin -d 'Read the token from stdin instead of a hidden prompt'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l force -d 'Replace an existing credential (only the keyring: use `token rotate` to update clusters)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l check -d 'Check the token with the provider first (the default)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l no-check -d 'Do not ask the provider (air-gapped, or the token is not active yet)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l warn-days -d 'Warn about tokens expiring within N days' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -l warn-days -d 'Warn about tokens expiring within N days' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l warn-days -d 'Warn about tokens expiring within N days' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l check-timeout -d 'Time budget of each provider request' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l timeout -d 'How long to wait for the GitRepositories of each cluster' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -s o -l output -d 'Output format of the result' -r -f -a "table\t'A kubectl-style table'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l from-stdin -d 'Read the new token from stdin instead of a hidden prompt'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l check -d 'Check the token with the provider first (the default)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l no-check -d 'Do not ask the provider (air-gapped, or the token is not active yet)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l resume -d 'Continue an unfinished rotation on the clusters that are not done yet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l rollback -d 'Put the previous token back on every cluster of an unfinished rotation'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l dry-run -d 'Show what would be updated, change nothing'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l no-wait -d 'Do not wait for the GitRepositories to fetch with the new token'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "set" -d 'Store a token in the OS keyring (hidden prompt, or --from-stdin)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "list" -d 'List stored tokens with their expiry and last check'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a stored token (and its metadata)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "check" -d 'Ask the provider whether tokens work and when they expire'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Replace a token on every selected cluster and wait for Flux to fetch with the new one'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -s o -l output -d 'Output format' -r -f -a "tree\t'Tree with glyphs and colour'
table\t'Indented table'
json\t'JSON document keyed by context'
yaml\t'YAML document keyed by context'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l status -d 'Show only failing nodes (NotReady, Missing, Stale, Unknown) and their ancestors' -r -f -a "failing\t'Failing nodes (NotReady, Missing, Stale, Unknown) and their ancestors'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l depth -d 'Expand at most N levels below the root' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -s n -l namespace -d 'Namespace of the root object (default: flux-system)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l compact -d 'Show Flux objects only (and do not fetch the others)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand version" -s h -l help -d 'Print help'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and not __fish_seen_subcommand_from install help" -s h -l help -d 'Print help'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and not __fish_seen_subcommand_from install help" -f -a "install" -d 'Install kubectl_complete-fleet helpers next to the kubectl-fleet on PATH'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and not __fish_seen_subcommand_from install help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and __fish_seen_subcommand_from install" -l dir -r -f -a "(__fish_complete_directories)"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and __fish_seen_subcommand_from help" -f -a "install" -d 'Install kubectl_complete-fleet helpers next to the kubectl-fleet on PATH'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap tenant token tree version completion help" -f -a "bootstrap" -d 'Scaffold clusters in the fleet repo and bootstrap Flux on one cluster or the whole fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap tenant token tree version completion help" -f -a "tenant" -d 'Onboard tenant namespaces and platform components, and show tenants\' health'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap tenant token tree version completion help" -f -a "token" -d 'Keep git tokens (PATs) in the OS keyring, check their expiry and rotate them fleet-wide'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap tenant token tree version completion help" -f -a "tree" -d 'Show what Flux manages as a live-status tree, on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap tenant token tree version completion help" -f -a "version" -d 'Print the version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap tenant token tree version completion help" -f -a "completion" -d 'Set up shell completion'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap tenant token tree version completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from bootstrap" -f -a "init" -d 'Write clusters/CLUSTER/ in the fleet repository'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from bootstrap" -f -a "status" -d 'Show Flux status per cluster'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from tenant" -f -a "create" -d 'Onboard a tenant namespace (writes its directory; --apply also applies it)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from tenant" -f -a "delete" -d 'Remove a tenant namespace (its directory; --apply also deletes it from clusters)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from tenant" -f -a "component" -d 'Platform components (reconciled as cluster admin)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from tenant" -f -a "automation" -d 'Write a tenant\'s image-automation directory'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from tenant" -f -a "list" -d 'Show tenants\' health on one or more clusters'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "set" -d 'Store a token in the OS keyring (hidden prompt, or --from-stdin)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "list" -d 'List stored tokens with their expiry and last check'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "delete" -d 'Delete a stored token (and its metadata)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "check" -d 'Ask the provider whether tokens work and when they expire'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "rotate" -d 'Replace a token on every selected cluster and wait for Flux to fetch with the new one'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from completion" -f -a "install" -d 'Install kubectl_complete-fleet helpers next to the kubectl-fleet on PATH'
