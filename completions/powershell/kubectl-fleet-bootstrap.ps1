
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-fleet-bootstrap' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-fleet-bootstrap'
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
        'kubectl-fleet-bootstrap' {
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
        'kubectl-fleet-bootstrap;init' {
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
        'kubectl-fleet-bootstrap;status' {
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
        'kubectl-fleet-bootstrap;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write clusters/CLUSTER/ in the fleet repository (d1, classic or keos layout)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show Flux status per cluster: versions, readiness, revision, failing objects, tenants')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet-bootstrap;help;init' {
            break
        }
        'kubectl-fleet-bootstrap;help;status' {
            break
        }
        'kubectl-fleet-bootstrap;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
