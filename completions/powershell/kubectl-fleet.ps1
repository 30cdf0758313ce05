
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-fleet' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-fleet'
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
        'kubectl-fleet' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('bootstrap', 'bootstrap', [CompletionResultType]::ParameterValue, 'Scaffold clusters in the fleet repo and bootstrap Flux on one cluster or the fleet')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Show what fails, drifted or differs between clusters, on one cluster or the fleet')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Reconcile Flux objects now and wait for Ready, on one cluster or the fleet')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume suspended Flux objects and wait for Ready, on one cluster or the fleet')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Keep cluster secrets in the fleet repo encrypted with sops, list them, apply them')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Same as health: the fleet''s failing objects, drift and version skew')
            [CompletionResult]::new('suspend', 'suspend', [CompletionResultType]::ParameterValue, 'Suspend Flux objects on one cluster or the fleet')
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Onboard tenant namespaces and platform components, and show tenants'' health')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Keep git tokens in the OS keyring, check their expiry and rotate them fleet-wide')
            [CompletionResult]::new('tree', 'tree', [CompletionResultType]::ParameterValue, 'Show what Flux manages as a live-status tree, on one cluster or the fleet')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Install or uninstall the helpers kubectl uses to complete kubectl fleet')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet;bootstrap' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Fleet git token: the name of a credential stored with `kubectl fleet token set`')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Read the fleet git token from this environment variable')
            [CompletionResult]::new('--tenant-token', '--tenant-token', [CompletionResultType]::ParameterName, 'A tenant''s git token from the keyring, written to flux-system/flux-TENANT with label toolkit.fluxcd.io/tenant=TENANT (repeatable)')
            [CompletionResult]::new('--tenant-token-env', '--tenant-token-env', [CompletionResultType]::ParameterName, 'A tenant''s git token from an environment variable (repeatable)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Basic-auth user name of the git Secrets (default: the one stored with the credential, else "git"; GitHub and GitLab ignore it for PATs, but it must be set)')
            [CompletionResult]::new('--operator-manifest', '--operator-manifest', [CompletionResultType]::ParameterName, 'The Flux Operator release manifest (file or http(s) URL)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the FluxInstance and the sync Kustomization to be Ready (default 5m; keos: 20m, for default and every domain Kustomization)')
            [CompletionResult]::new('--kubectl', '--kubectl', [CompletionResultType]::ParameterName, 'The kubectl whose kustomize builds classic flux-system directories (default: $KUBECTL, then kubectl on PATH)')
            [CompletionResult]::new('--sops', '--sops', [CompletionResultType]::ParameterName, 'The sops binary that decrypts clusters'' secrets files (default: $SOPS, then sops on PATH)')
            [CompletionResult]::new('--sops-gpg-key', '--sops-gpg-key', [CompletionResultType]::ParameterName, 'The armored PGP secret key of the cluster''s secrets/.sops.yaml (FILE, or - for stdin), written as Secret flux-system/sops-gpg for kubernetes-replicator to copy')
            [CompletionResult]::new('--sops-age-key', '--sops-age-key', [CompletionResultType]::ParameterName, 'The age identity of the cluster''s secrets/.sops.yaml (FILE, or - for stdin), written as Secret flux-system/sops-age')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Bootstrap every directory under clusters/')
            [CompletionResult]::new('--token-stdin', '--token-stdin', [CompletionResultType]::ParameterName, 'Read the fleet git token from stdin')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Accept a plain http:// sync URL although the token then crosses the network unencrypted (a lab git server)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Do not wait for readiness')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run every check, then print what would be applied (Secrets redacted) instead of applying')
            [CompletionResult]::new('--install-flux', '--install-flux', [CompletionResultType]::ParameterName, 'Install Flux where it is missing (Flux Operator and a FluxInstance without sync), instead of failing that cluster')
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
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write clusters/CLUSTER/ in the fleet repository (d1, classic or keos layout)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show Flux status per cluster: versions, readiness, revision, failing objects, tenants')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet;bootstrap;init' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace Flux runs in (default: flux-system, or the --from cluster''s)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace Flux runs in (default: flux-system, or the --from cluster''s)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Copy another cluster''s directory and re-target it (flags override its settings)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'Directory layout')
            [CompletionResult]::new('--environment', '--environment', [CompletionResultType]::ParameterName, 'ENVIRONMENT: the overlay the infra and apps repositories use (default: staging, or production with --production)')
            [CompletionResult]::new('--git-branch', '--git-branch', [CompletionResultType]::ParameterName, 'GIT_BRANCH: the branch of the infra and apps repositories (default: main, or production with --production)')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'CLUSTER_NAME (default: CLUSTER)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'CLUSTER_DOMAIN: the cluster''s ingress domain, e.g. eu.example.com')
            [CompletionResult]::new('--git-url', '--git-url', [CompletionResultType]::ParameterName, 'The fleet repository URL Flux syncs from (https)')
            [CompletionResult]::new('--branch', '--branch', [CompletionResultType]::ParameterName, 'The fleet repository branch (or full ref) Flux syncs from')
            [CompletionResult]::new('--pull-secret', '--pull-secret', [CompletionResultType]::ParameterName, 'The git Secret the sync reads')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'How the sync authenticates: github = a GitHub App Secret (writes `provider: github`; bootstrap then needs an App credential, `token set --github-app`), generic = a token (default, or the --from cluster''s)')
            [CompletionResult]::new('--flux-version', '--flux-version', [CompletionResultType]::ParameterName, 'Flux version expression (default 2.x, the latest)')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry of the Flux images')
            [CompletionResult]::new('--artifact', '--artifact', [CompletionResultType]::ParameterName, 'OCI artifact of the distribution manifests (''none'' for the manifests bundled with the operator, e.g. on air-gapped clusters)')
            [CompletionResult]::new('--variant', '--variant', [CompletionResultType]::ParameterName, 'Enterprise distribution variant')
            [CompletionResult]::new('--image-pull-secret', '--image-pull-secret', [CompletionResultType]::ParameterName, 'Image pull secret for the distribution registry (e.g. flux-enterprise-auth)')
            [CompletionResult]::new('--components', '--components', [CompletionResultType]::ParameterName, 'Flux controllers (comma-separated; the image automation controllers follow --production)')
            [CompletionResult]::new('--cluster-type', '--cluster-type', [CompletionResultType]::ParameterName, 'Cluster type')
            [CompletionResult]::new('--tenant-default-sa', '--tenant-default-sa', [CompletionResultType]::ParameterName, 'Service account tenants'' reconcilers impersonate by default')
            [CompletionResult]::new('--operator-chart', '--operator-chart', [CompletionResultType]::ParameterName, 'The Flux Operator chart the flux-operator ResourceSet installs (an oci:// mirror), or ''none'' for no ResourceSet (upgrade the operator by re-running bootstrap with a newer manifest)')
            [CompletionResult]::new('--cluster-dns-domain', '--cluster-dns-domain', [CompletionResultType]::ParameterName, 'The cluster''s DNS domain (spec.cluster.domain)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'An extra runtime-info key (repeatable), e.g. --set REGION=eu-west-1; keos: the STRATIO_* and registry keys, e.g. --set STRATIO_SIZE=S')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Import the profile clusters/_components/PROFILE, a kustomize Component (classic layout): the cluster''s kustomization.yaml lists it under components:')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'The use case (default: useCase in kubectl-fleet.yaml)')
            [CompletionResult]::new('--sops-pgp', '--sops-pgp', [CompletionResultType]::ParameterName, 'Encrypt the cluster''s secrets for this PGP fingerprint (repeatable); bootstrap provides the private key as Secret sops-gpg')
            [CompletionResult]::new('--sops-age', '--sops-age', [CompletionResultType]::ParameterName, 'Encrypt the cluster''s secrets for this age recipient (repeatable); bootstrap provides the identity as Secret sops-age')
            [CompletionResult]::new('--sops-kms', '--sops-kms', [CompletionResultType]::ParameterName, 'Encrypt the cluster''s secrets with this AWS KMS key (kustomize-controller decrypts with its own identity: SOPS_SECRET_PROVIDED=false)')
            [CompletionResult]::new('--sops-aws-profile', '--sops-aws-profile', [CompletionResultType]::ParameterName, 'The AWS profile of --sops-kms')
            [CompletionResult]::new('--sops-pgp-public-key', '--sops-pgp-public-key', [CompletionResultType]::ParameterName, 'The armored public key of --sops-pgp, written to secrets/.sops.pub.asc')
            [CompletionResult]::new('--system-services-git-url', '--system-services-git-url', [CompletionResultType]::ParameterName, 'The system services repository, when the use case has no domain/system-services/UC/components yet')
            [CompletionResult]::new('--apps-git-url', '--apps-git-url', [CompletionResultType]::ParameterName, 'The apps repository, when the use case has no domain/apps/UC/prerequisites yet')
            [CompletionResult]::new('--capsule-tenant', '--capsule-tenant', [CompletionResultType]::ParameterName, 'A Capsule Tenant in the apps prerequisites (with --capsule-owner-group)')
            [CompletionResult]::new('--capsule-owner-group', '--capsule-owner-group', [CompletionResultType]::ParameterName, 'The group owning --capsule-tenant')
            [CompletionResult]::new('--components-manifest', '--components-manifest', [CompletionResultType]::ParameterName, 'Classic layout: the Flux components manifest to copy as gotk-components.yaml (file or URL)')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--production', '--production', [CompletionResultType]::ParameterName, 'A production cluster: no image automation (no image controllers, and the tenants delete objects labelled toolkit.fluxcd.io/role=automation), ENVIRONMENT and GIT_BRANCH production')
            [CompletionResult]::new('--automation', '--automation', [CompletionResultType]::ParameterName, 'Run image automation (the default unless --production)')
            [CompletionResult]::new('--no-automation', '--no-automation', [CompletionResultType]::ParameterName, 'Do not run image automation')
            [CompletionResult]::new('--public-repo', '--public-repo', [CompletionResultType]::ParameterName, 'The fleet repository is public: no pull secret')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Accept a plain http:// git URL although the token then crosses the network unencrypted (a lab git server)')
            [CompletionResult]::new('--multitenant', '--multitenant', [CompletionResultType]::ParameterName, 'Multi-tenancy lockdown (the default)')
            [CompletionResult]::new('--no-multitenant', '--no-multitenant', [CompletionResultType]::ParameterName, 'No multi-tenancy lockdown')
            [CompletionResult]::new('--network-policy', '--network-policy', [CompletionResultType]::ParameterName, 'Network policies for the Flux controllers (the default)')
            [CompletionResult]::new('--no-network-policy', '--no-network-policy', [CompletionResultType]::ParameterName, 'No network policies')
            [CompletionResult]::new('--instance-wait', '--instance-wait', [CompletionResultType]::ParameterName, 'Let the FluxInstance wait for the Flux controllers to be healthy (the operator''s default)')
            [CompletionResult]::new('--no-instance-wait', '--no-instance-wait', [CompletionResultType]::ParameterName, 'Set spec.wait: false on the FluxInstance (clusters where Deployments never become ready, e.g. a control plane without nodes)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite files that differ')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the diff of what would change; write nothing')
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
        'kubectl-fleet;bootstrap;status' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace Flux runs in')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace Flux runs in')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Show what `flux stats` shows instead: per cluster and for the fleet, per Flux kind the objects running, failing, suspended and the sources'' storage')
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
        'kubectl-fleet;bootstrap;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write clusters/CLUSTER/ in the fleet repository (d1, classic or keos layout)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show Flux status per cluster: versions, readiness, revision, failing objects, tenants')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet;bootstrap;help;init' {
            break
        }
        'kubectl-fleet;bootstrap;help;status' {
            break
        }
        'kubectl-fleet;bootstrap;help;help' {
            break
        }
        'kubectl-fleet;health' {
            [CompletionResult]::new('--drift-allow', '--drift-allow', [CompletionResultType]::ParameterName, 'A change that is not drift: MANAGER (any field) or MANAGER:FIELD (that field and below), `*` for any manager, a trailing `*` for a prefix; repeatable, comma-separated. Also read from KUBECTL_FLEET_DRIFT_ALLOW')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--drift', '--drift', [CompletionResultType]::ParameterName, 'List every drifted object (changed outside Flux) with the fields and who changed them')
            [CompletionResult]::new('--no-drift', '--no-drift', [CompletionResultType]::ParameterName, 'Do not compute drift (saves the LISTs of what Flux applied)')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit 1 on drift and skew too, not only on failing objects and unreachable clusters')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep the view live until Ctrl-C, recomputed when a Flux object changes: redrawn in place on a terminal, each change appended in a pipe (-o json: one document per line)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep the view live until Ctrl-C, recomputed when a Flux object changes: redrawn in place on a terminal, each change appended in a pipe (-o json: one document per line)')
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
            break
        }
        'kubectl-fleet;reconcile' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'With --all: only objects whose labels match this selector (e.g. team=web,tier!=db)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'With --all: only objects whose labels match this selector (e.g. team=web,tier!=db)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each object (its source included)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the objects (default: flux-system)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the objects (default: flux-system)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every object of KIND (in -n, or every namespace with -A), narrowed by -l')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With --all: objects of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With --all: objects of every namespace')
            [CompletionResult]::new('--with-source', '--with-source', [CompletionResultType]::ParameterName, 'Reconcile the object''s source first and wait for it (Kustomization, HelmRelease, HelmChart, ImageUpdateAutomation), so a new commit or chart is picked up now')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Also set reconcile.fluxcd.io/forceAt (helm-controller releases even without changes)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return once the request is made, without waiting for the controller')
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
            break
        }
        'kubectl-fleet;resume' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'With --all: only objects whose labels match this selector (e.g. team=web,tier!=db)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'With --all: only objects whose labels match this selector (e.g. team=web,tier!=db)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each object (its source included)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the objects (default: flux-system)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the objects (default: flux-system)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every object of KIND (in -n, or every namespace with -A), narrowed by -l')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With --all: objects of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With --all: objects of every namespace')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return once the request is made, without waiting for the controller')
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
            break
        }
        'kubectl-fleet;secret' {
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config')
            [CompletionResult]::new('--sops', '--sops', [CompletionResultType]::ParameterName, 'The sops binary (default: $SOPS, else sops on PATH)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Encrypt a Secret into clusters/CLUSTER/secrets/COMPONENT/ with the cluster''s .sops.yaml')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show the cluster secrets in the repository without decrypting them')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply clusters'' secrets (and Namespaces) directly, decrypted in memory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet;secret;set' {
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'A value from a file: KEY=PATH, or PATH (key: the file name). Repeatable')
            [CompletionResult]::new('--from-env-file', '--from-env-file', [CompletionResultType]::ParameterName, 'Values from KEY=VALUE lines of a file. Repeatable')
            [CompletionResult]::new('--from-stdin', '--from-stdin', [CompletionResultType]::ParameterName, 'A value from stdin, byte for byte (use printf %s, not echo, to leave out a newline)')
            [CompletionResult]::new('--from-literal', '--from-literal', [CompletionResultType]::ParameterName, 'Refused: a value in argv lands in shell history and in ps; use --from-file, --from-env-file or --from-stdin')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The Secret''s namespace (default, keos: the component''s, set by its secrets Kustomization)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The Secret''s namespace (default, keos: the component''s, set by its secrets Kustomization)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The file name below the component directory (default: NAME.yaml)')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config')
            [CompletionResult]::new('--sops', '--sops', [CompletionResultType]::ParameterName, 'The sops binary (default: $SOPS, else sops on PATH)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the file when it exists')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the Secret that would be encrypted (values redacted); write nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-fleet;secret;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config')
            [CompletionResult]::new('--sops', '--sops', [CompletionResultType]::ParameterName, 'The sops binary (default: $SOPS, else sops on PATH)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-fleet;secret;apply' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config')
            [CompletionResult]::new('--sops', '--sops', [CompletionResultType]::ParameterName, 'The sops binary (default: $SOPS, else sops on PATH)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Preflight, then show what would be applied (values redacted) instead of applying')
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
        'kubectl-fleet;secret;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Encrypt a Secret into clusters/CLUSTER/secrets/COMPONENT/ with the cluster''s .sops.yaml')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show the cluster secrets in the repository without decrypting them')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply clusters'' secrets (and Namespaces) directly, decrypted in memory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet;secret;help;set' {
            break
        }
        'kubectl-fleet;secret;help;list' {
            break
        }
        'kubectl-fleet;secret;help;apply' {
            break
        }
        'kubectl-fleet;secret;help;help' {
            break
        }
        'kubectl-fleet;status' {
            [CompletionResult]::new('--drift-allow', '--drift-allow', [CompletionResultType]::ParameterName, 'A change that is not drift: MANAGER (any field) or MANAGER:FIELD (that field and below), `*` for any manager, a trailing `*` for a prefix; repeatable, comma-separated. Also read from KUBECTL_FLEET_DRIFT_ALLOW')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--drift', '--drift', [CompletionResultType]::ParameterName, 'List every drifted object (changed outside Flux) with the fields and who changed them')
            [CompletionResult]::new('--no-drift', '--no-drift', [CompletionResultType]::ParameterName, 'Do not compute drift (saves the LISTs of what Flux applied)')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit 1 on drift and skew too, not only on failing objects and unreachable clusters')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep the view live until Ctrl-C, recomputed when a Flux object changes: redrawn in place on a terminal, each change appended in a pipe (-o json: one document per line)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep the view live until Ctrl-C, recomputed when a Flux object changes: redrawn in place on a terminal, each change appended in a pipe (-o json: one document per line)')
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
            break
        }
        'kubectl-fleet;suspend' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'With --all: only objects whose labels match this selector (e.g. team=web,tier!=db)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'With --all: only objects whose labels match this selector (e.g. team=web,tier!=db)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the objects (default: flux-system)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the objects (default: flux-system)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every object of KIND (in -n, or every namespace with -A), narrowed by -l')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With --all: objects of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With --all: objects of every namespace')
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
            break
        }
        'kubectl-fleet;tenant' {
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
        'kubectl-fleet;tenant;create' {
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
        'kubectl-fleet;tenant;delete' {
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
        'kubectl-fleet;tenant;component' {
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
        'kubectl-fleet;tenant;component;add' {
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
        'kubectl-fleet;tenant;component;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Onboard a platform component: <name>-controllers and <name>-configs (keos: system-services-<name>-configs), listed in the components kustomization.yaml')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet;tenant;component;help;add' {
            break
        }
        'kubectl-fleet;tenant;component;help;help' {
            break
        }
        'kubectl-fleet;tenant;app' {
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
        'kubectl-fleet;tenant;app;add' {
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
        'kubectl-fleet;tenant;app;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'keos: add an app component to an apps namespace (<namespace>/<component>/, Kustomization apps-<component>), listed in the namespace''s kustomization.yaml in the order added')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet;tenant;app;help;add' {
            break
        }
        'kubectl-fleet;tenant;app;help;help' {
            break
        }
        'kubectl-fleet;tenant;automation' {
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
        'kubectl-fleet;tenant;list' {
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
        'kubectl-fleet;tenant;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Onboard a tenant namespace (writes its directory; --apply also applies it)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a tenant namespace (its directory; --apply also deletes it from clusters)')
            [CompletionResult]::new('component', 'component', [CompletionResultType]::ParameterValue, 'Platform components (reconciled as cluster admin)')
            [CompletionResult]::new('app', 'app', [CompletionResultType]::ParameterValue, 'keos: app components of an apps namespace (one Kustomization each)')
            [CompletionResult]::new('automation', 'automation', [CompletionResultType]::ParameterValue, 'Write a tenant''s image-automation directory')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show tenants'' health on one or more clusters')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet;tenant;help;create' {
            break
        }
        'kubectl-fleet;tenant;help;delete' {
            break
        }
        'kubectl-fleet;tenant;help;component' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Onboard a platform component: <name>-controllers and <name>-configs (keos: system-services-<name>-configs), listed in the components kustomization.yaml')
            break
        }
        'kubectl-fleet;tenant;help;component;add' {
            break
        }
        'kubectl-fleet;tenant;help;app' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'keos: add an app component to an apps namespace (<namespace>/<component>/, Kustomization apps-<component>), listed in the namespace''s kustomization.yaml in the order added')
            break
        }
        'kubectl-fleet;tenant;help;app;add' {
            break
        }
        'kubectl-fleet;tenant;help;automation' {
            break
        }
        'kubectl-fleet;tenant;help;list' {
            break
        }
        'kubectl-fleet;tenant;help;help' {
            break
        }
        'kubectl-fleet;token' {
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
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a token in the OS keyring (hidden prompt, or --from-stdin)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored tokens with their expiry and last check')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List stored tokens with their expiry and last check')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a stored token (and its metadata)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a stored token (and its metadata)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Ask the provider whether tokens work and when they expire')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace a token on every selected cluster and wait for Flux to fetch with the new one')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Which clusters use which token, and when each expires (exit 1 when one expires within --warn-days)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move every cluster that uses a token (PAT) to a GitHub App: provider: github set in the fleet repository, each Secret switched to the App when the push lands, the fetch verified')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet;token;set' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Git hosting provider (default: the stored one, else guessed from the token prefix, else github)')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'Provider API base URL (GitHub Enterprise: https://HOST/api/v3; GitLab: https://HOST/api/v4). For a GitHub App it is the githubAppBaseURL Flux mints installation tokens from')
            [CompletionResult]::new('--github-url', '--github-url', [CompletionResultType]::ParameterName, 'Provider API base URL (GitHub Enterprise: https://HOST/api/v3; GitLab: https://HOST/api/v4). For a GitHub App it is the githubAppBaseURL Flux mints installation tokens from')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Basic-auth username written into git Secrets (default: the stored one, else "git")')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'The GitHub App''s ID (with --github-app)')
            [CompletionResult]::new('--installation-id', '--installation-id', [CompletionResultType]::ParameterName, 'The ID of the App''s installation on the fleet''s organisation (with --github-app)')
            [CompletionResult]::new('--private-key-file', '--private-key-file', [CompletionResultType]::ParameterName, 'The App''s private key (PEM); without it, the key is read from stdin')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--from-stdin', '--from-stdin', [CompletionResultType]::ParameterName, 'Read the token from stdin instead of a hidden prompt')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing credential (only the keyring: use `token rotate` to update clusters)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Check the token with the provider first (the default)')
            [CompletionResult]::new('--no-check', '--no-check', [CompletionResultType]::ParameterName, 'Do not ask the provider (air-gapped, or the token is not active yet)')
            [CompletionResult]::new('--github-app', '--github-app', [CompletionResultType]::ParameterName, 'Store a GitHub App (its private key) instead of a token')
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
        'kubectl-fleet;token;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--warn-days', '--warn-days', [CompletionResultType]::ParameterName, 'Warn about tokens expiring within N days')
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
        'kubectl-fleet;token;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--warn-days', '--warn-days', [CompletionResultType]::ParameterName, 'Warn about tokens expiring within N days')
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
        'kubectl-fleet;token;delete' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Delete it even while a rotation of it is unfinished (both its tokens go; without a terminal to ask on, this is required then)')
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
        'kubectl-fleet;token;rm' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Delete it even while a rotation of it is unfinished (both its tokens go; without a terminal to ask on, this is required then)')
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
        'kubectl-fleet;token;check' {
            [CompletionResult]::new('--warn-days', '--warn-days', [CompletionResultType]::ParameterName, 'Warn about tokens expiring within N days')
            [CompletionResult]::new('--check-timeout', '--check-timeout', [CompletionResultType]::ParameterName, 'Time budget of each provider request')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'A fleet repository checkout: warn when a GitHub App cannot read a repository its FluxInstances and GitRepositories sync from')
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
        'kubectl-fleet;token;rotate' {
            [CompletionResult]::new('--private-key-file', '--private-key-file', [CompletionResultType]::ParameterName, 'A GitHub App: its new private key (PEM), generated in the App''s settings. The old key is kept until every cluster fetched with the new one; then the run names it for deletion')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'Lifetime of the new GitLab token: 30d, 4w or a number of days (default: GitLab''s)')
            [CompletionResult]::new('--gitlab-project', '--gitlab-project', [CompletionResultType]::ParameterName, 'A project access token: rotate it through this project''s API (ID or path) instead of its own self-rotation endpoint (GitLab before 17.9, or no self_rotate scope)')
            [CompletionResult]::new('--gitlab-group', '--gitlab-group', [CompletionResultType]::ParameterName, 'A group access token: rotate it through this group''s API (ID or path)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the GitRepositories of each cluster')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'The namespace Flux runs in on every selected cluster: the only namespace trusted to hold the credential besides its tenants'' (default: found on each cluster, from its FluxInstance or sync objects, else flux-system)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--from-stdin', '--from-stdin', [CompletionResultType]::ParameterName, 'Read the new token from stdin instead of a hidden prompt (a GitHub App''s new private key: its PEM)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Check the token with the provider first (the default)')
            [CompletionResult]::new('--no-check', '--no-check', [CompletionResultType]::ParameterName, 'Do not ask the provider (air-gapped, or the token is not active yet)')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Continue an unfinished rotation on the clusters that are not done yet')
            [CompletionResult]::new('--rollback', '--rollback', [CompletionResultType]::ParameterName, 'Put the previous token back on every cluster of an unfinished rotation')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be updated, change nothing')
            [CompletionResult]::new('--self', '--self', [CompletionResultType]::ParameterName, 'GitLab: the stored token rotates itself (GitLab issues the new one and revokes the old one at once, so there is no --rollback); needs scope api or self_rotate')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Do not wait for the GitRepositories to fetch with the new token')
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
        'kubectl-fleet;token;audit' {
            [CompletionResult]::new('--warn-days', '--warn-days', [CompletionResultType]::ParameterName, 'Warn about, and exit 1 on, credentials in use that expire within N days')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
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
        'kubectl-fleet;token;migrate' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The GitHub App credential to move them to (stored with ''token set --github-app'')')
            [CompletionResult]::new('--repo-dir', '--repo-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout whose files declare the sources')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the push to reach each cluster, and for each fetch')
            [CompletionResult]::new('--flux-namespace', '--flux-namespace', [CompletionResultType]::ParameterName, 'The namespace Flux runs in on every selected cluster (default: found on each cluster)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('--apply-files-only', '--apply-files-only', [CompletionResultType]::ParameterName, 'Stop once the files are written: push them, then run again with --resume')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Continue an unfinished migration')
            [CompletionResult]::new('--rollback', '--rollback', [CompletionResultType]::ParameterName, 'Put the PAT back on every cluster of an unfinished migration')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the plan and the file changes, change nothing')
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
        'kubectl-fleet;token;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a token in the OS keyring (hidden prompt, or --from-stdin)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored tokens with their expiry and last check')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a stored token (and its metadata)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Ask the provider whether tokens work and when they expire')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace a token on every selected cluster and wait for Flux to fetch with the new one')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Which clusters use which token, and when each expires (exit 1 when one expires within --warn-days)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move every cluster that uses a token (PAT) to a GitHub App: provider: github set in the fleet repository, each Secret switched to the App when the push lands, the fetch verified')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet;token;help;set' {
            break
        }
        'kubectl-fleet;token;help;list' {
            break
        }
        'kubectl-fleet;token;help;delete' {
            break
        }
        'kubectl-fleet;token;help;check' {
            break
        }
        'kubectl-fleet;token;help;rotate' {
            break
        }
        'kubectl-fleet;token;help;audit' {
            break
        }
        'kubectl-fleet;token;help;migrate' {
            break
        }
        'kubectl-fleet;token;help;help' {
            break
        }
        'kubectl-fleet;tree' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Show only failing nodes (NotReady, Missing, Unknown) and their ancestors')
            [CompletionResult]::new('--depth', '--depth', [CompletionResultType]::ParameterName, 'Expand at most N levels below the root')
            [CompletionResult]::new('--drift-allow', '--drift-allow', [CompletionResultType]::ParameterName, 'A change that is not drift: MANAGER (any field) or MANAGER:FIELD (that field and below), `*` for any manager, a trailing `*` for a prefix; repeatable, comma-separated. Also read from KUBECTL_FLEET_DRIFT_ALLOW')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured by auto)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the root object (default: flux-system)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the root object (default: flux-system)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Act on every context in the kubeconfig')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Show Flux objects only (and do not fetch the others)')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit 1 when a node is failing (implied by --status failing), so the tree can gate a script')
            [CompletionResult]::new('--drift', '--drift', [CompletionResultType]::ParameterName, 'Mark every object an owner applied that a field manager other than Flux changed since: `Drifted (MANAGER: FIELDS)`, as `health --drift` says it. Read from the managedFields in the LISTs the tree sends anyway (no extra request), but judging them costs about a fifth more client CPU on a large tree, so it is asked for')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep the tree live until Ctrl-C: one WATCH per kind it shows, redrawn in place on a terminal, each change appended in a pipe (after a `--- TIME ---` line; -o json: one document per line)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep the tree live until Ctrl-C: one WATCH per kind it shows, redrawn in place on a terminal, each change appended in a pipe (after a `--- TIME ---` line; -o json: one document per line)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print debug details (hides progress bars)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-fleet;completion' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Link the kubectl_complete-fleet helpers next to the kubectl-fleet on PATH')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove the helper links that install made')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet;completion;install' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Directory for the links (default: the one holding kubectl-fleet on PATH)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-fleet;completion;uninstall' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Directory for the links (default: the one holding kubectl-fleet on PATH)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-fleet;completion;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Link the kubectl_complete-fleet helpers next to the kubectl-fleet on PATH')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove the helper links that install made')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet;completion;help;install' {
            break
        }
        'kubectl-fleet;completion;help;uninstall' {
            break
        }
        'kubectl-fleet;completion;help;help' {
            break
        }
        'kubectl-fleet;version' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-fleet;help' {
            [CompletionResult]::new('bootstrap', 'bootstrap', [CompletionResultType]::ParameterValue, 'Scaffold clusters in the fleet repo and bootstrap Flux on one cluster or the fleet')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Show what fails, drifted or differs between clusters, on one cluster or the fleet')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Reconcile Flux objects now and wait for Ready, on one cluster or the fleet')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume suspended Flux objects and wait for Ready, on one cluster or the fleet')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Keep cluster secrets in the fleet repo encrypted with sops, list them, apply them')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Same as health: the fleet''s failing objects, drift and version skew')
            [CompletionResult]::new('suspend', 'suspend', [CompletionResultType]::ParameterValue, 'Suspend Flux objects on one cluster or the fleet')
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Onboard tenant namespaces and platform components, and show tenants'' health')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Keep git tokens in the OS keyring, check their expiry and rotate them fleet-wide')
            [CompletionResult]::new('tree', 'tree', [CompletionResultType]::ParameterValue, 'Show what Flux manages as a live-status tree, on one cluster or the fleet')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Install or uninstall the helpers kubectl uses to complete kubectl fleet')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet;help;bootstrap' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write clusters/CLUSTER/ in the fleet repository (d1, classic or keos layout)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show Flux status per cluster: versions, readiness, revision, failing objects, tenants')
            break
        }
        'kubectl-fleet;help;bootstrap;init' {
            break
        }
        'kubectl-fleet;help;bootstrap;status' {
            break
        }
        'kubectl-fleet;help;health' {
            break
        }
        'kubectl-fleet;help;reconcile' {
            break
        }
        'kubectl-fleet;help;resume' {
            break
        }
        'kubectl-fleet;help;secret' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Encrypt a Secret into clusters/CLUSTER/secrets/COMPONENT/ with the cluster''s .sops.yaml')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show the cluster secrets in the repository without decrypting them')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply clusters'' secrets (and Namespaces) directly, decrypted in memory')
            break
        }
        'kubectl-fleet;help;secret;set' {
            break
        }
        'kubectl-fleet;help;secret;list' {
            break
        }
        'kubectl-fleet;help;secret;apply' {
            break
        }
        'kubectl-fleet;help;status' {
            break
        }
        'kubectl-fleet;help;suspend' {
            break
        }
        'kubectl-fleet;help;tenant' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Onboard a tenant namespace (writes its directory; --apply also applies it)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a tenant namespace (its directory; --apply also deletes it from clusters)')
            [CompletionResult]::new('component', 'component', [CompletionResultType]::ParameterValue, 'Platform components (reconciled as cluster admin)')
            [CompletionResult]::new('app', 'app', [CompletionResultType]::ParameterValue, 'keos: app components of an apps namespace (one Kustomization each)')
            [CompletionResult]::new('automation', 'automation', [CompletionResultType]::ParameterValue, 'Write a tenant''s image-automation directory')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show tenants'' health on one or more clusters')
            break
        }
        'kubectl-fleet;help;tenant;create' {
            break
        }
        'kubectl-fleet;help;tenant;delete' {
            break
        }
        'kubectl-fleet;help;tenant;component' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Onboard a platform component: <name>-controllers and <name>-configs (keos: system-services-<name>-configs), listed in the components kustomization.yaml')
            break
        }
        'kubectl-fleet;help;tenant;component;add' {
            break
        }
        'kubectl-fleet;help;tenant;app' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'keos: add an app component to an apps namespace (<namespace>/<component>/, Kustomization apps-<component>), listed in the namespace''s kustomization.yaml in the order added')
            break
        }
        'kubectl-fleet;help;tenant;app;add' {
            break
        }
        'kubectl-fleet;help;tenant;automation' {
            break
        }
        'kubectl-fleet;help;tenant;list' {
            break
        }
        'kubectl-fleet;help;token' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a token in the OS keyring (hidden prompt, or --from-stdin)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored tokens with their expiry and last check')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a stored token (and its metadata)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Ask the provider whether tokens work and when they expire')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace a token on every selected cluster and wait for Flux to fetch with the new one')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Which clusters use which token, and when each expires (exit 1 when one expires within --warn-days)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move every cluster that uses a token (PAT) to a GitHub App: provider: github set in the fleet repository, each Secret switched to the App when the push lands, the fetch verified')
            break
        }
        'kubectl-fleet;help;token;set' {
            break
        }
        'kubectl-fleet;help;token;list' {
            break
        }
        'kubectl-fleet;help;token;delete' {
            break
        }
        'kubectl-fleet;help;token;check' {
            break
        }
        'kubectl-fleet;help;token;rotate' {
            break
        }
        'kubectl-fleet;help;token;audit' {
            break
        }
        'kubectl-fleet;help;token;migrate' {
            break
        }
        'kubectl-fleet;help;tree' {
            break
        }
        'kubectl-fleet;help;completion' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Link the kubectl_complete-fleet helpers next to the kubectl-fleet on PATH')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove the helper links that install made')
            break
        }
        'kubectl-fleet;help;completion;install' {
            break
        }
        'kubectl-fleet;help;completion;uninstall' {
            break
        }
        'kubectl-fleet;help;version' {
            break
        }
        'kubectl-fleet;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
