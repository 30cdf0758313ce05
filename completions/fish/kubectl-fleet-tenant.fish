# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_fleet_tenant_global_optspecs
    string join \n fleet-dir= use-case= kubeconfig= context= all-contexts request-timeout= q/quiet v/verbose v= color= no-progress h/help V/version
end

function __fish_kubectl_fleet_tenant_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_fleet_tenant_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_fleet_tenant_using_subcommand
    set -l cmd (__fish_kubectl_fleet_tenant_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -f -a "create" -d 'Onboard a tenant namespace (writes its directory; --apply also applies it)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -f -a "delete" -d 'Remove a tenant namespace (its directory; --apply also deletes it from clusters)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -f -a "component" -d 'Platform components (reconciled as cluster admin)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -f -a "app" -d 'keos: app components of an apps namespace (one Kustomization each)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -f -a "automation" -d 'Write a tenant\'s image-automation directory'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -f -a "list" -d 'Show tenants\' health on one or more clusters'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l tenant -d 'The tenant the namespace belongs to (its ServiceAccount, Secret and label)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l git-url -d 'The tenant\'s git repository (default: the one its other namespaces use). keos: the apps repository, only to scaffold domain/apps/<use-case>/prerequisites when it does not exist' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l provider -d 'How the tenant GitRepository authenticates: github = a GitHub App Secret (writes `provider: github`; --apply then needs an App credential), generic = a token. d1 only' -r -f -a "generic\t'A token Secret (`username`/`password`) or SSH key: no `provider` field'
github\t'A GitHub App Secret: `provider: github`; source-controller mints installation tokens'"
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l role -d 'ClusterRole bound to the tenant ServiceAccount in its namespace' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l path -d 'Kustomization path; must contain the overlay variable ${ENVIRONMENT}. Default: ./components/<namespace>/${ENVIRONMENT}. d1 only (keos: per component, `tenant app add`)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l token -d 'With --apply: write Secret flux-<tenant> in the Flux namespace from this stored credential (kubectl fleet token set NAME)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l token-env -d 'With --apply: read the tenant\'s token from this environment variable' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l username -d 'With --apply: basic-auth username of the tenant Secret (default: the username stored with the --token credential, else git)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l insecure-http -d 'Accept a plain http:// git URL although the token then crosses the network unencrypted (a lab git server)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l existing-namespace -d 'The namespace is created outside the fleet repository (keos-installer creates keos-core): write no namespace.yaml; with --apply, require that it exists'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l force -d 'Overwrite files that exist with other content'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l dry-run -d 'Show the diff (and, with --apply, the objects per cluster) without changing anything'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l apply -d 'Also apply the tenant to the selected clusters (--context, --all-contexts)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l token-stdin -d 'With --apply: read the tenant\'s token from stdin'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l propagate -d 'With --apply, on clusters without Kyverno: copy the tenant Secret and the runtime info into every namespace of the tenant, and keep the copies in sync'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l tenant -d 'The tenant (default: the one the fleet repository assigns the namespace to)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l timeout -d 'How long to wait for the tenant Kustomization\'s finalizer before giving up' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l apply -d 'Also delete the namespace and its Flux objects on the selected clusters'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l force -d 'Also remove files in the directory that kubectl fleet did not generate'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l dry-run -d 'Show what would be removed without removing anything'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -f -a "add" -d 'Onboard a platform component: <name>-controllers and <name>-configs (keos: system-services-<name>-configs), listed in the components kustomization.yaml'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and not __fish_seen_subcommand_from add help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l depends-on -d 'Kustomizations the component waits for (repeatable; d1: its -controllers wait)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l git-url -d 'The platform repository; needed only to scaffold a components directory that does not exist' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l substitute -d 'Substitute ${VAR}s in the component\'s manifests from the runtime-info ConfigMap (flux-runtime-info, keos-runtime-info)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l insecure-http -d 'Accept a plain http:// git URL although the token then crosses the network unencrypted (a lab git server)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l force -d 'Overwrite a component file that exists with other content'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l dry-run -d 'Show the diff without writing'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from help" -f -a "add" -d 'Onboard a platform component: <name>-controllers and <name>-configs (keos: system-services-<name>-configs), listed in the components kustomization.yaml'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand component; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -f -a "add" -d 'keos: add an app component to an apps namespace (<namespace>/<component>/, Kustomization apps-<component>), listed in the namespace\'s kustomization.yaml in the order added'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and not __fish_seen_subcommand_from add help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l depends-on -d 'A component apps-<component> waits for: COMPONENT in the same namespace, or NAMESPACE/COMPONENT (repeatable, in order; it must exist already)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l retry-interval -d 'Retry interval of the component\'s Kustomizations (default 3m)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l secrets -d 'Also reconcile the cluster\'s SOPS-encrypted secrets of the component (clusters/${CLUSTER_NAME}/secrets/<component>/, see `kubectl fleet secret set`) before it'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l force -d 'Overwrite component files that exist with other content'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l dry-run -d 'Show the diff without writing'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from help" -f -a "add" -d 'keos: add an app component to an apps namespace (<namespace>/<component>/, Kustomization apps-<component>), listed in the namespace\'s kustomization.yaml in the order added'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand app; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l git-url -d 'The tenant\'s git repository (default: the one its namespaces use)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l author-name -d 'Commit author name' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l author-email -d 'Commit author email' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l insecure-http -d 'Accept a plain http:// git URL although the token then crosses the network unencrypted (a lab git server)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l force -d 'Overwrite files that exist with other content'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l dry-run -d 'Show the diff without writing'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand automation" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -l tenant -d 'Only this tenant' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand help; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "create" -d 'Onboard a tenant namespace (writes its directory; --apply also applies it)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand help; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "delete" -d 'Remove a tenant namespace (its directory; --apply also deletes it from clusters)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand help; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "component" -d 'Platform components (reconciled as cluster admin)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand help; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "app" -d 'keos: app components of an apps namespace (one Kustomization each)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand help; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "automation" -d 'Write a tenant\'s image-automation directory'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand help; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "list" -d 'Show tenants\' health on one or more clusters'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand help; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand help; and __fish_seen_subcommand_from component" -f -a "add" -d 'Onboard a platform component: <name>-controllers and <name>-configs (keos: system-services-<name>-configs), listed in the components kustomization.yaml'
complete -c kubectl-fleet-tenant -n "__fish_kubectl_fleet_tenant_using_subcommand help; and __fish_seen_subcommand_from app" -f -a "add" -d 'keos: add an app component to an apps namespace (<namespace>/<component>/, Kustomization apps-<component>), listed in the namespace\'s kustomization.yaml in the order added'
