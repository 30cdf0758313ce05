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
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "bootstrap" -d 'Scaffold clusters in the fleet repo and bootstrap Flux on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "health" -d 'Show what fails, drifted or differs between clusters, on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "reconcile" -d 'Reconcile Flux objects now and wait for Ready, on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "resume" -d 'Resume suspended Flux objects and wait for Ready, on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "secret" -d 'Keep cluster secrets in the fleet repo encrypted with sops, list them, apply them'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "status" -d 'Same as health: the fleet\'s failing objects, drift and version skew'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "suspend" -d 'Suspend Flux objects on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "tenant" -d 'Onboard tenant namespaces and platform components, and show tenants\' health'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "token" -d 'Keep git tokens in the OS keyring, check their expiry and rotate them fleet-wide'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "tree" -d 'Show what Flux manages as a live-status tree, on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "completion" -d 'Install or uninstall the helpers kubectl uses to complete kubectl fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "version" -d 'Print the version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l token -d 'Fleet git token: the name of a credential stored with `kubectl fleet token set`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l token-env -d 'Read the fleet git token from this environment variable' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l tenant-token -d 'A tenant\'s git token from the keyring, written to flux-system/flux-TENANT with label toolkit.fluxcd.io/tenant=TENANT (repeatable)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l tenant-token-env -d 'A tenant\'s git token from an environment variable (repeatable)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l username -d 'Basic-auth user name of the git Secrets (default: the one stored with the credential, else "git"; GitHub and GitLab ignore it for PATs, but it must be set)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l operator-manifest -d 'The Flux Operator release manifest (file or http(s) URL)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l timeout -d 'How long to wait for the FluxInstance and the sync Kustomization to be Ready (default 5m; keos: 20m, for default and every domain Kustomization)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l kubectl -d 'The kubectl whose kustomize builds classic flux-system directories (default: $KUBECTL, then kubectl on PATH)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l sops -d 'The sops binary that decrypts clusters\' secrets files (default: $SOPS, then sops on PATH)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l sops-gpg-key -d 'The armored PGP secret key of the cluster\'s secrets/.sops.yaml (FILE, or - for stdin), written as Secret flux-system/sops-gpg for kubernetes-replicator to copy' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l sops-age-key -d 'The age identity of the cluster\'s secrets/.sops.yaml (FILE, or - for stdin), written as Secret flux-system/sops-age' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l fleet-dir -d 'The fleet repository checkout' -r -f -a "(__fish_complete_directories)"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l all -d 'Bootstrap every directory under clusters/'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l token-stdin -d 'Read the fleet git token from stdin'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l insecure-http -d 'Accept a plain http:// sync URL although the token then crosses the network unencrypted (a lab git server)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l no-wait -d 'Do not wait for readiness'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l dry-run -d 'Run every check, then print what would be applied (Secrets redacted) instead of applying'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l install-flux -d 'Install Flux where it is missing (Flux Operator and a FluxInstance without sync), instead of failing that cluster'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -a "init" -d 'Write clusters/CLUSTER/ in the fleet repository (d1, classic or keos layout)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -a "status" -d 'Show Flux status per cluster: versions, readiness, revision, failing objects, tenants'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and not __fish_seen_subcommand_from init status help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -s n -l namespace -d 'The namespace Flux runs in (default: flux-system, or the --from cluster\'s)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l from -d 'Copy another cluster\'s directory and re-target it (flags override its settings)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l layout -d 'Directory layout' -r -f -a "d1\t'Flux Operator: `flux-system/flux-instance.yaml` + `flux-operator.yaml` (d1 today)'
classic\t'`flux bootstrap`: `flux-system/gotk-components.yaml`, `gotk-sync.yaml` and `kustomization.yaml` (d1 before the operator, keos fleets)'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l environment -d 'ENVIRONMENT: the overlay the infra and apps repositories use (default: staging, or production with --production)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l git-branch -d 'GIT_BRANCH: the branch of the infra and apps repositories (default: main, or production with --production)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l cluster-name -d 'CLUSTER_NAME (default: CLUSTER)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l domain -d 'CLUSTER_DOMAIN: the cluster\'s ingress domain, e.g. eu.example.com' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l git-url -d 'The fleet repository URL Flux syncs from (https)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l branch -d 'The fleet repository branch (or full ref) Flux syncs from' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l pull-secret -d 'The git Secret the sync reads' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l provider -d 'How the sync authenticates: github = a GitHub App Secret (writes `provider: github`; bootstrap then needs an App credential, `token set --github-app`), generic = a token (default, or the --from cluster\'s)' -r -f -a "generic\t'A token Secret (`username`/`password`) or SSH key: no `provider` field'
github\t'A GitHub App Secret: `provider: github`; source-controller mints installation tokens'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l flux-version -d 'Flux version expression (default 2.x, the latest)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l registry -d 'Registry of the Flux images' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l artifact -d 'OCI artifact of the distribution manifests (\'none\' for the manifests bundled with the operator, e.g. on air-gapped clusters)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l variant -d 'Enterprise distribution variant' -r -f -a "upstream-alpine\t''
enterprise-alpine\t''
enterprise-distroless\t''
enterprise-distroless-fips\t''"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l image-pull-secret -d 'Image pull secret for the distribution registry (e.g. flux-enterprise-auth)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l components -d 'Flux controllers (comma-separated; the image automation controllers follow --production)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l cluster-type -d 'Cluster type' -r -f -a "kubernetes\t''
openshift\t''
aws\t''
azure\t''
gcp\t''"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l tenant-default-sa -d 'Service account tenants\' reconcilers impersonate by default' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l operator-chart -d 'The Flux Operator chart the flux-operator ResourceSet installs (an oci:// mirror), or \'none\' for no ResourceSet (upgrade the operator by re-running bootstrap with a newer manifest)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l cluster-dns-domain -d 'The cluster\'s DNS domain (spec.cluster.domain)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l set -d 'An extra runtime-info key (repeatable), e.g. --set REGION=eu-west-1; keos: the STRATIO_* and registry keys, e.g. --set STRATIO_SIZE=S' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l profile -d 'Import the profile clusters/_components/PROFILE, a kustomize Component (classic layout): the cluster\'s kustomization.yaml lists it under components:' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l use-case -d 'The use case (default: useCase in kubectl-fleet.yaml)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l sops-pgp -d 'Encrypt the cluster\'s secrets for this PGP fingerprint (repeatable); bootstrap provides the private key as Secret sops-gpg' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l sops-age -d 'Encrypt the cluster\'s secrets for this age recipient (repeatable); bootstrap provides the identity as Secret sops-age' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l sops-kms -d 'Encrypt the cluster\'s secrets with this AWS KMS key (kustomize-controller decrypts with its own identity: SOPS_SECRET_PROVIDED=false)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l sops-aws-profile -d 'The AWS profile of --sops-kms' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l sops-pgp-public-key -d 'The armored public key of --sops-pgp, written to secrets/.sops.pub.asc' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l system-services-git-url -d 'The system services repository, when the use case has no domain/system-services/UC/components yet' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l apps-git-url -d 'The apps repository, when the use case has no domain/apps/UC/prerequisites yet' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l capsule-tenant -d 'A Capsule Tenant in the apps prerequisites (with --capsule-owner-group)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l capsule-owner-group -d 'The group owning --capsule-tenant' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l components-manifest -d 'Classic layout: the Flux components manifest to copy as gotk-components.yaml (file or URL)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l fleet-dir -d 'The fleet repository checkout' -r -f -a "(__fish_complete_directories)"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l production -d 'A production cluster: no image automation (no image controllers, and the tenants delete objects labelled toolkit.fluxcd.io/role=automation), ENVIRONMENT and GIT_BRANCH production'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l automation -d 'Run image automation (the default unless --production)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l no-automation -d 'Do not run image automation'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l public-repo -d 'The fleet repository is public: no pull secret'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l insecure-http -d 'Accept a plain http:// git URL although the token then crosses the network unencrypted (a lab git server)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l multitenant -d 'Multi-tenancy lockdown (the default)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l no-multitenant -d 'No multi-tenancy lockdown'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l network-policy -d 'Network policies for the Flux controllers (the default)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l no-network-policy -d 'No network policies'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l instance-wait -d 'Let the FluxInstance wait for the Flux controllers to be healthy (the operator\'s default)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l no-instance-wait -d 'Set spec.wait: false on the FluxInstance (clusters where Deployments never become ready, e.g. a control plane without nodes)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l force -d 'Overwrite files that differ'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l dry-run -d 'Print the diff of what would change; write nothing'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -s n -l namespace -d 'The namespace Flux runs in' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l fleet-dir -d 'The fleet repository checkout' -r -f -a "(__fish_complete_directories)"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l stats -d 'Show what `flux stats` shows instead: per cluster and for the fleet, per Flux kind the objects running, failing, suspended and the sources\' storage'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write clusters/CLUSTER/ in the fleet repository (d1, classic or keos layout)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show Flux status per cluster: versions, readiness, revision, failing objects, tenants'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand bootstrap; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -l drift-allow -d 'A change that is not drift: MANAGER (any field) or MANAGER:FIELD (that field and below), `*` for any manager, a trailing `*` for a prefix; repeatable, comma-separated. Also read from KUBECTL_FLEET_DRIFT_ALLOW' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -l drift -d 'List every drifted object (changed outside Flux) with the fields and who changed them'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -l no-drift -d 'Do not compute drift (saves the LISTs of what Flux applied)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -l exit-code -d 'Exit 1 on drift and skew too, not only on failing objects and unreachable clusters'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -s w -l watch -d 'Keep the view live until Ctrl-C, recomputed when a Flux object changes: redrawn in place on a terminal, each change appended in a pipe (-o json: one document per line)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand health" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -s l -l selector -d 'With --all: only objects whose labels match this selector (e.g. team=web,tier!=db)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -l timeout -d 'How long to wait for each object (its source included)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -s n -l namespace -d 'Namespace of the objects (default: flux-system)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -l all -d 'Every object of KIND (in -n, or every namespace with -A), narrowed by -l'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -s A -l all-namespaces -d 'With --all: objects of every namespace'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -l with-source -d 'Reconcile the object\'s source first and wait for it (Kustomization, HelmRelease, HelmChart, ImageUpdateAutomation), so a new commit or chart is picked up now'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -l force -d 'Also set reconcile.fluxcd.io/forceAt (helm-controller releases even without changes)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -l no-wait -d 'Return once the request is made, without waiting for the controller'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand reconcile" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -s l -l selector -d 'With --all: only objects whose labels match this selector (e.g. team=web,tier!=db)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -l timeout -d 'How long to wait for each object (its source included)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -s n -l namespace -d 'Namespace of the objects (default: flux-system)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -l all -d 'Every object of KIND (in -n, or every namespace with -A), narrowed by -l'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -s A -l all-namespaces -d 'With --all: objects of every namespace'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -l no-wait -d 'Return once the request is made, without waiting for the controller'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand resume" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -l use-case -d 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -l sops -d 'The sops binary (default: $SOPS, else sops on PATH)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -f -a "set" -d 'Encrypt a Secret into clusters/CLUSTER/secrets/COMPONENT/ with the cluster\'s .sops.yaml'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -f -a "list" -d 'Show the cluster secrets in the repository without decrypting them'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -f -a "apply" -d 'Apply clusters\' secrets (and Namespaces) directly, decrypted in memory'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and not __fish_seen_subcommand_from set list apply help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -l from-file -d 'A value from a file: KEY=PATH, or PATH (key: the file name). Repeatable' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -l from-env-file -d 'Values from KEY=VALUE lines of a file. Repeatable' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -l from-stdin -d 'A value from stdin, byte for byte (use printf %s, not echo, to leave out a newline)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -l from-literal -d 'Refused: a value in argv lands in shell history and in ps; use --from-file, --from-env-file or --from-stdin' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -s n -l namespace -d 'The Secret\'s namespace (default, keos: the component\'s, set by its secrets Kustomization)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -l file -d 'The file name below the component directory (default: NAME.yaml)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -l use-case -d 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -l sops -d 'The sops binary (default: $SOPS, else sops on PATH)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -l force -d 'Replace the file when it exists'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -l dry-run -d 'Show the Secret that would be encrypted (values redacted); write nothing'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from list" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from list" -l use-case -d 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from list" -l sops -d 'The sops binary (default: $SOPS, else sops on PATH)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from list" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -l use-case -d 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -l sops -d 'The sops binary (default: $SOPS, else sops on PATH)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -l dry-run -d 'Preflight, then show what would be applied (values redacted) instead of applying'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "set" -d 'Encrypt a Secret into clusters/CLUSTER/secrets/COMPONENT/ with the cluster\'s .sops.yaml'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "list" -d 'Show the cluster secrets in the repository without decrypting them'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Apply clusters\' secrets (and Namespaces) directly, decrypted in memory'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -l drift-allow -d 'A change that is not drift: MANAGER (any field) or MANAGER:FIELD (that field and below), `*` for any manager, a trailing `*` for a prefix; repeatable, comma-separated. Also read from KUBECTL_FLEET_DRIFT_ALLOW' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -l drift -d 'List every drifted object (changed outside Flux) with the fields and who changed them'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -l no-drift -d 'Do not compute drift (saves the LISTs of what Flux applied)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -l exit-code -d 'Exit 1 on drift and skew too, not only on failing objects and unreachable clusters'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -s w -l watch -d 'Keep the view live until Ctrl-C, recomputed when a Flux object changes: redrawn in place on a terminal, each change appended in a pipe (-o json: one document per line)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand status" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -s l -l selector -d 'With --all: only objects whose labels match this selector (e.g. team=web,tier!=db)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -s n -l namespace -d 'Namespace of the objects (default: flux-system)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -l all -d 'Every object of KIND (in -n, or every namespace with -A), narrowed by -l'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -s A -l all-namespaces -d 'With --all: objects of every namespace'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand suspend" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "create" -d 'Onboard a tenant namespace (writes its directory; --apply also applies it)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "delete" -d 'Remove a tenant namespace (its directory; --apply also deletes it from clusters)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "component" -d 'Platform components (reconciled as cluster admin)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "app" -d 'keos: app components of an apps namespace (one Kustomization each)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "automation" -d 'Write a tenant\'s image-automation directory'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "list" -d 'Show tenants\' health on one or more clusters'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and not __fish_seen_subcommand_from create delete component app automation list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l tenant -d 'The tenant the namespace belongs to (its ServiceAccount, Secret and label)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l git-url -d 'The tenant\'s git repository (default: the one its other namespaces use). keos: the apps repository, only to scaffold domain/apps/<use-case>/prerequisites when it does not exist' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l provider -d 'How the tenant GitRepository authenticates: github = a GitHub App Secret (writes `provider: github`; --apply then needs an App credential), generic = a token. d1 only' -r -f -a "generic\t'A token Secret (`username`/`password`) or SSH key: no `provider` field'
github\t'A GitHub App Secret: `provider: github`; source-controller mints installation tokens'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l role -d 'ClusterRole bound to the tenant ServiceAccount in its namespace' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l path -d 'Kustomization path; must contain the overlay variable ${ENVIRONMENT}. Default: ./components/<namespace>/${ENVIRONMENT}. d1 only (keos: per component, `tenant app add`)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l token -d 'With --apply: write Secret flux-<tenant> in the Flux namespace from this stored credential (kubectl fleet token set NAME)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l token-env -d 'With --apply: read the tenant\'s token from this environment variable' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l username -d 'With --apply: basic-auth username of the tenant Secret (default: the username stored with the --token credential, else git)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l insecure-http -d 'Accept a plain http:// git URL although the token then crosses the network unencrypted (a lab git server)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from create" -l existing-namespace -d 'The namespace is created outside the fleet repository (keos-installer creates keos-core): write no namespace.yaml; with --apply, require that it exists'
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
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from delete" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
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
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -f -a "add" -d 'Onboard a platform component: <name>-controllers and <name>-configs (keos: system-services-<name>-configs), listed in the components kustomization.yaml'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from component" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -f -a "add" -d 'keos: add an app component to an apps namespace (<namespace>/<component>/, Kustomization apps-<component>), listed in the namespace\'s kustomization.yaml in the order added'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from app" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l git-url -d 'The tenant\'s git repository (default: the one its namespaces use)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l author-name -d 'Commit author name' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l author-email -d 'Commit author email' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l insecure-http -d 'Accept a plain http:// git URL although the token then crosses the network unencrypted (a lab git server)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l force -d 'Overwrite files that exist with other content'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l dry-run -d 'Show the diff without writing'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from automation" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l tenant -d 'Only this tenant' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l fleet-dir -d 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l use-case -d 'keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from list" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
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
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from help" -f -a "app" -d 'keos: app components of an apps namespace (one Kustomization each)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from help" -f -a "automation" -d 'Write a tenant\'s image-automation directory'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from help" -f -a "list" -d 'Show tenants\' health on one or more clusters'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tenant; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -f -a "set" -d 'Store a token in the OS keyring (hidden prompt, or --from-stdin)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -f -a "list" -d 'List stored tokens with their expiry and last check'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -f -a "ls" -d 'List stored tokens with their expiry and last check'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -f -a "delete" -d 'Delete a stored token (and its metadata)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -f -a "rm" -d 'Delete a stored token (and its metadata)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -f -a "check" -d 'Ask the provider whether tokens work and when they expire'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -f -a "rotate" -d 'Replace a token on every selected cluster and wait for Flux to fetch with the new one'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -f -a "audit" -d 'Which clusters use which token, and when each expires (exit 1 when one expires within --warn-days)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -f -a "migrate" -d 'Move every cluster that uses a token (PAT) to a GitHub App: provider: github set in the fleet repository, each Secret switched to the App when the push lands, the fetch verified'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and not __fish_seen_subcommand_from set list ls delete rm check rotate audit migrate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l provider -d 'Git hosting provider (default: the stored one, else guessed from the token prefix, else github)' -r -f -a "github\t'github.com or GitHub Enterprise Server'
gitlab\t'gitlab.com or a self-managed GitLab'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l api-url -l github-url -d 'Provider API base URL (GitHub Enterprise: https://HOST/api/v3; GitLab: https://HOST/api/v4). For a GitHub App it is the githubAppBaseURL Flux mints installation tokens from' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l username -d 'Basic-auth username written into git Secrets (default: the stored one, else "git")' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l app-id -d 'The GitHub App\'s ID (with --github-app)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l installation-id -d 'The ID of the App\'s installation on the fleet\'s organisation (with --github-app)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l private-key-file -d 'The App\'s private key (PEM); without it, the key is read from stdin' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l from-stdin -d 'Read the token from stdin instead of a hidden prompt'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l force -d 'Replace an existing credential (only the keyring: use `token rotate` to update clusters)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l check -d 'Check the token with the provider first (the default)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l no-check -d 'Do not ask the provider (air-gapped, or the token is not active yet)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l github-app -d 'Store a GitHub App (its private key) instead of a token'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l warn-days -d 'Warn about tokens expiring within N days' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -l warn-days -d 'Warn about tokens expiring within N days' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from ls" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
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
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -l force -d 'Delete it even while a rotation of it is unfinished (both its tokens go; without a terminal to ask on, this is required then)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l force -d 'Delete it even while a rotation of it is unfinished (both its tokens go; without a terminal to ask on, this is required then)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l warn-days -d 'Warn about tokens expiring within N days' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l check-timeout -d 'Time budget of each provider request' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l repo -d 'A fleet repository checkout: warn when a GitHub App cannot read a repository its FluxInstances and GitRepositories sync from' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l private-key-file -d 'A GitHub App: its new private key (PEM), generated in the App\'s settings. The old key is kept until every cluster fetched with the new one; then the run names it for deletion' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l expires-in -d 'Lifetime of the new GitLab token: 30d, 4w or a number of days (default: GitLab\'s)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l gitlab-project -d 'A project access token: rotate it through this project\'s API (ID or path) instead of its own self-rotation endpoint (GitLab before 17.9, or no self_rotate scope)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l gitlab-group -d 'A group access token: rotate it through this group\'s API (ID or path)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l timeout -d 'How long to wait for the GitRepositories of each cluster' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l flux-namespace -d 'The namespace Flux runs in on every selected cluster: the only namespace trusted to hold the credential besides its tenants\' (default: found on each cluster, from its FluxInstance or sync objects, else flux-system)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l from-stdin -d 'Read the new token from stdin instead of a hidden prompt (a GitHub App\'s new private key: its PEM)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l check -d 'Check the token with the provider first (the default)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l no-check -d 'Do not ask the provider (air-gapped, or the token is not active yet)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l resume -d 'Continue an unfinished rotation on the clusters that are not done yet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l rollback -d 'Put the previous token back on every cluster of an unfinished rotation'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l dry-run -d 'Show what would be updated, change nothing'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l self -d 'GitLab: the stored token rotates itself (GitLab issues the new one and revokes the old one at once, so there is no --rollback); needs scope api or self_rotate'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l no-wait -d 'Do not wait for the GitRepositories to fetch with the new token'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from audit" -l warn-days -d 'Warn about, and exit 1 on, credentials in use that expire within N days' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from audit" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from audit" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from audit" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from audit" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from audit" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from audit" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from audit" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from audit" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from audit" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from audit" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l to -d 'The GitHub App credential to move them to (stored with \'token set --github-app\')' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l repo-dir -d 'The fleet repository checkout whose files declare the sources' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l timeout -d 'How long to wait for the push to reach each cluster, and for each fetch' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l flux-namespace -d 'The namespace Flux runs in on every selected cluster (default: found on each cluster)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l apply-files-only -d 'Stop once the files are written: push them, then run again with --resume'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l resume -d 'Continue an unfinished migration'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l rollback -d 'Put the PAT back on every cluster of an unfinished migration'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l dry-run -d 'Show the plan and the file changes, change nothing'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "set" -d 'Store a token in the OS keyring (hidden prompt, or --from-stdin)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "list" -d 'List stored tokens with their expiry and last check'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a stored token (and its metadata)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "check" -d 'Ask the provider whether tokens work and when they expire'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Replace a token on every selected cluster and wait for Flux to fetch with the new one'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "audit" -d 'Which clusters use which token, and when each expires (exit 1 when one expires within --warn-days)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Move every cluster that uses a token (PAT) to a GitHub App: provider: github set in the fleet repository, each Secret switched to the App when the push lands, the fetch verified'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -s o -l output -d 'Output format' -r -f -a "tree\t'Tree with glyphs and colour'
table\t'Indented table'
json\t'JSON document keyed by context'
yaml\t'YAML document keyed by context'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l status -d 'Show only failing nodes (NotReady, Missing, Unknown) and their ancestors' -r -f -a "failing\t'Failing nodes (NotReady, Missing, Unknown) and their ancestors'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l depth -d 'Expand at most N levels below the root' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l drift-allow -d 'A change that is not drift: MANAGER (any field) or MANAGER:FIELD (that field and below), `*` for any manager, a trailing `*` for a prefix; repeatable, comma-separated. Also read from KUBECTL_FLEET_DRIFT_ALLOW' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -s n -l namespace -d 'Namespace of the root object (default: flux-system)' -r
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l compact -d 'Show Flux objects only (and do not fetch the others)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l exit-code -d 'Exit 1 when a node is failing (implied by --status failing), so the tree can gate a script'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l drift -d 'Mark every object an owner applied that a field manager other than Flux changed since: `Drifted (MANAGER: FIELDS)`, as `health --drift` says it. Read from the managedFields in the LISTs the tree sends anyway (no extra request), but judging them costs about a fifth more client CPU on a large tree, so it is asked for'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -s w -l watch -d 'Keep the tree live until Ctrl-C: one WATCH per kind it shows, redrawn in place on a terminal, each change appended in a pipe (after a `--- TIME ---` line; -o json: one document per line)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand tree" -s V -l version -d 'Print version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and not __fish_seen_subcommand_from install uninstall help" -s h -l help -d 'Print help'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and not __fish_seen_subcommand_from install uninstall help" -f -a "install" -d 'Link the kubectl_complete-fleet helpers next to the kubectl-fleet on PATH'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and not __fish_seen_subcommand_from install uninstall help" -f -a "uninstall" -d 'Remove the helper links that install made'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and not __fish_seen_subcommand_from install uninstall help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and __fish_seen_subcommand_from install" -l dir -d 'Directory for the links (default: the one holding kubectl-fleet on PATH)' -r -f -a "(__fish_complete_directories)"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and __fish_seen_subcommand_from uninstall" -l dir -d 'Directory for the links (default: the one holding kubectl-fleet on PATH)' -r -f -a "(__fish_complete_directories)"
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and __fish_seen_subcommand_from uninstall" -s h -l help -d 'Print help'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and __fish_seen_subcommand_from help" -f -a "install" -d 'Link the kubectl_complete-fleet helpers next to the kubectl-fleet on PATH'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and __fish_seen_subcommand_from help" -f -a "uninstall" -d 'Remove the helper links that install made'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand completion; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand version" -s h -l help -d 'Print help'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap health reconcile resume secret status suspend tenant token tree completion version help" -f -a "bootstrap" -d 'Scaffold clusters in the fleet repo and bootstrap Flux on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap health reconcile resume secret status suspend tenant token tree completion version help" -f -a "health" -d 'Show what fails, drifted or differs between clusters, on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap health reconcile resume secret status suspend tenant token tree completion version help" -f -a "reconcile" -d 'Reconcile Flux objects now and wait for Ready, on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap health reconcile resume secret status suspend tenant token tree completion version help" -f -a "resume" -d 'Resume suspended Flux objects and wait for Ready, on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap health reconcile resume secret status suspend tenant token tree completion version help" -f -a "secret" -d 'Keep cluster secrets in the fleet repo encrypted with sops, list them, apply them'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap health reconcile resume secret status suspend tenant token tree completion version help" -f -a "status" -d 'Same as health: the fleet\'s failing objects, drift and version skew'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap health reconcile resume secret status suspend tenant token tree completion version help" -f -a "suspend" -d 'Suspend Flux objects on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap health reconcile resume secret status suspend tenant token tree completion version help" -f -a "tenant" -d 'Onboard tenant namespaces and platform components, and show tenants\' health'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap health reconcile resume secret status suspend tenant token tree completion version help" -f -a "token" -d 'Keep git tokens in the OS keyring, check their expiry and rotate them fleet-wide'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap health reconcile resume secret status suspend tenant token tree completion version help" -f -a "tree" -d 'Show what Flux manages as a live-status tree, on one cluster or the fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap health reconcile resume secret status suspend tenant token tree completion version help" -f -a "completion" -d 'Install or uninstall the helpers kubectl uses to complete kubectl fleet'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap health reconcile resume secret status suspend tenant token tree completion version help" -f -a "version" -d 'Print the version'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and not __fish_seen_subcommand_from bootstrap health reconcile resume secret status suspend tenant token tree completion version help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from bootstrap" -f -a "init" -d 'Write clusters/CLUSTER/ in the fleet repository (d1, classic or keos layout)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from bootstrap" -f -a "status" -d 'Show Flux status per cluster: versions, readiness, revision, failing objects, tenants'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "set" -d 'Encrypt a Secret into clusters/CLUSTER/secrets/COMPONENT/ with the cluster\'s .sops.yaml'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "list" -d 'Show the cluster secrets in the repository without decrypting them'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "apply" -d 'Apply clusters\' secrets (and Namespaces) directly, decrypted in memory'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from tenant" -f -a "create" -d 'Onboard a tenant namespace (writes its directory; --apply also applies it)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from tenant" -f -a "delete" -d 'Remove a tenant namespace (its directory; --apply also deletes it from clusters)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from tenant" -f -a "component" -d 'Platform components (reconciled as cluster admin)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from tenant" -f -a "app" -d 'keos: app components of an apps namespace (one Kustomization each)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from tenant" -f -a "automation" -d 'Write a tenant\'s image-automation directory'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from tenant" -f -a "list" -d 'Show tenants\' health on one or more clusters'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "set" -d 'Store a token in the OS keyring (hidden prompt, or --from-stdin)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "list" -d 'List stored tokens with their expiry and last check'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "delete" -d 'Delete a stored token (and its metadata)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "check" -d 'Ask the provider whether tokens work and when they expire'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "rotate" -d 'Replace a token on every selected cluster and wait for Flux to fetch with the new one'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "audit" -d 'Which clusters use which token, and when each expires (exit 1 when one expires within --warn-days)'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "migrate" -d 'Move every cluster that uses a token (PAT) to a GitHub App: provider: github set in the fleet repository, each Secret switched to the App when the push lands, the fetch verified'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from completion" -f -a "install" -d 'Link the kubectl_complete-fleet helpers next to the kubectl-fleet on PATH'
complete -c kubectl-fleet -n "__fish_kubectl_fleet_using_subcommand help; and __fish_seen_subcommand_from completion" -f -a "uninstall" -d 'Remove the helper links that install made'
