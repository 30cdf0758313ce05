
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-fleet-tenant' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-fleet-tenant'
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
        'kubectl-fleet-tenant' {
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Act on every context in the kubeconfig')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Onboard a tenant namespace (writes its directory; --apply also applies it)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a tenant namespace (its directory; --apply also deletes it from clusters)')
            [CompletionResult]::new('component', 'component', [CompletionResultType]::ParameterValue, 'Platform components (reconciled as cluster admin)')
            [CompletionResult]::new('app', 'app', [CompletionResultType]::ParameterValue, 'keos: app components of an apps namespace (one Kustomization each)')
            [CompletionResult]::new('automation', 'automation', [CompletionResultType]::ParameterValue, 'Write a tenant''s image-automation directory')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show tenants'' health on one or more clusters')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet-tenant;create' {
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'The tenant the namespace belongs to (its ServiceAccount, Secret and label)')
            [CompletionResult]::new('--git-url', '--git-url', [CompletionResultType]::ParameterName, 'The tenant''s git repository (default: the one its other namespaces use). keos: the apps repository, only to scaffold domain/apps/<use-case>/prerequisites when it does not exist')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'How the tenant GitRepository authenticates: github = a GitHub App Secret (writes `provider: github`; --apply then needs an App credential), generic = a token. d1 only')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'ClusterRole bound to the tenant ServiceAccount in its namespace')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Kustomization path; must contain the overlay variable ${ENVIRONMENT}. Default: ./components/<namespace>/${ENVIRONMENT}. d1 only (keos: per component, `tenant app add`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'With --apply: write Secret flux-<tenant> in the Flux namespace from this stored credential (kubectl fleet token set NAME)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'With --apply: read the tenant''s token from this environment variable')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'With --apply: basic-auth username of the tenant Secret (default: the username stored with the --token credential, else git)')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Accept a plain http:// git URL although the token then crosses the network unencrypted (a lab git server)')
            [CompletionResult]::new('--existing-namespace', '--existing-namespace', [CompletionResultType]::ParameterName, 'The namespace is created outside the fleet repository (keos-installer creates keos-core): write no namespace.yaml; with --apply, require that it exists')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite files that exist with other content')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the diff (and, with --apply, the objects per cluster) without changing anything')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Also apply the tenant to the selected clusters (--context, --all-contexts)')
            [CompletionResult]::new('--token-stdin', '--token-stdin', [CompletionResultType]::ParameterName, 'With --apply: read the tenant''s token from stdin')
            [CompletionResult]::new('--propagate', '--propagate', [CompletionResultType]::ParameterName, 'With --apply, on clusters without Kyverno: copy the tenant Secret and the runtime info into every namespace of the tenant, and keep the copies in sync')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Act on every context in the kubeconfig')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-fleet-tenant;delete' {
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'The tenant (default: the one the fleet repository assigns the namespace to)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the tenant Kustomization''s finalizer before giving up')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Also delete the namespace and its Flux objects on the selected clusters')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Also remove files in the directory that kubectl fleet did not generate')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be removed without removing anything')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Act on every context in the kubeconfig')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-fleet-tenant;component' {
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Act on every context in the kubeconfig')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Onboard a platform component: <name>-controllers and <name>-configs (keos: system-services-<name>-configs), listed in the components kustomization.yaml')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet-tenant;component;add' {
            [CompletionResult]::new('--depends-on', '--depends-on', [CompletionResultType]::ParameterName, 'Kustomizations the component waits for (repeatable; d1: its -controllers wait)')
            [CompletionResult]::new('--git-url', '--git-url', [CompletionResultType]::ParameterName, 'The platform repository; needed only to scaffold a components directory that does not exist')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--substitute', '--substitute', [CompletionResultType]::ParameterName, 'Substitute ${VAR}s in the component''s manifests from the runtime-info ConfigMap (flux-runtime-info, keos-runtime-info)')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Accept a plain http:// git URL although the token then crosses the network unencrypted (a lab git server)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite a component file that exists with other content')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the diff without writing')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Act on every context in the kubeconfig')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-fleet-tenant;component;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Onboard a platform component: <name>-controllers and <name>-configs (keos: system-services-<name>-configs), listed in the components kustomization.yaml')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet-tenant;component;help;add' {
            break
        }
        'kubectl-fleet-tenant;component;help;help' {
            break
        }
        'kubectl-fleet-tenant;app' {
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Act on every context in the kubeconfig')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'keos: add an app component to an apps namespace (<namespace>/<component>/, Kustomization apps-<component>), listed in the namespace''s kustomization.yaml in the order added')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet-tenant;app;add' {
            [CompletionResult]::new('--depends-on', '--depends-on', [CompletionResultType]::ParameterName, 'A component apps-<component> waits for: COMPONENT in the same namespace, or NAMESPACE/COMPONENT (repeatable, in order; it must exist already)')
            [CompletionResult]::new('--retry-interval', '--retry-interval', [CompletionResultType]::ParameterName, 'Retry interval of the component''s Kustomizations (default 3m)')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--secrets', '--secrets', [CompletionResultType]::ParameterName, 'Also reconcile the cluster''s SOPS-encrypted secrets of the component (clusters/${CLUSTER_NAME}/secrets/<component>/, see `kubectl fleet secret set`) before it')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite component files that exist with other content')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the diff without writing')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Act on every context in the kubeconfig')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-fleet-tenant;app;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'keos: add an app component to an apps namespace (<namespace>/<component>/, Kustomization apps-<component>), listed in the namespace''s kustomization.yaml in the order added')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet-tenant;app;help;add' {
            break
        }
        'kubectl-fleet-tenant;app;help;help' {
            break
        }
        'kubectl-fleet-tenant;automation' {
            [CompletionResult]::new('--git-url', '--git-url', [CompletionResultType]::ParameterName, 'The tenant''s git repository (default: the one its namespaces use)')
            [CompletionResult]::new('--author-name', '--author-name', [CompletionResultType]::ParameterName, 'Commit author name')
            [CompletionResult]::new('--author-email', '--author-email', [CompletionResultType]::ParameterName, 'Commit author email')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Accept a plain http:// git URL although the token then crosses the network unencrypted (a lab git server)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite files that exist with other content')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the diff without writing')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Act on every context in the kubeconfig')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-fleet-tenant;list' {
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Only this tenant')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Act on every context in the kubeconfig')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-fleet-tenant;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Onboard a tenant namespace (writes its directory; --apply also applies it)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a tenant namespace (its directory; --apply also deletes it from clusters)')
            [CompletionResult]::new('component', 'component', [CompletionResultType]::ParameterValue, 'Platform components (reconciled as cluster admin)')
            [CompletionResult]::new('app', 'app', [CompletionResultType]::ParameterValue, 'keos: app components of an apps namespace (one Kustomization each)')
            [CompletionResult]::new('automation', 'automation', [CompletionResultType]::ParameterValue, 'Write a tenant''s image-automation directory')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show tenants'' health on one or more clusters')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet-tenant;help;create' {
            break
        }
        'kubectl-fleet-tenant;help;delete' {
            break
        }
        'kubectl-fleet-tenant;help;component' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Onboard a platform component: <name>-controllers and <name>-configs (keos: system-services-<name>-configs), listed in the components kustomization.yaml')
            break
        }
        'kubectl-fleet-tenant;help;component;add' {
            break
        }
        'kubectl-fleet-tenant;help;app' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'keos: add an app component to an apps namespace (<namespace>/<component>/, Kustomization apps-<component>), listed in the namespace''s kustomization.yaml in the order added')
            break
        }
        'kubectl-fleet-tenant;help;app;add' {
            break
        }
        'kubectl-fleet-tenant;help;automation' {
            break
        }
        'kubectl-fleet-tenant;help;list' {
            break
        }
        'kubectl-fleet-tenant;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
