# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_fleet_bootstrap_global_optspecs
    string join \n all token= token-stdin token-env= tenant-token= tenant-token-env= username= insecure-http operator-manifest= timeout= no-wait dry-run kubectl= sops= install-flux sops-gpg-key= sops-age-key= fleet-dir= kubeconfig= context= all-contexts request-timeout= o/output= q/quiet v/verbose v= color= no-progress h/help V/version
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

complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l token -d 'Fleet git token: the name of a credential stored with `kubectl fleet token set`' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l token-env -d 'Read the fleet git token from this environment variable' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l tenant-token -d 'A tenant\'s git token from the keyring, written to flux-system/flux-TENANT with label toolkit.fluxcd.io/tenant=TENANT (repeatable)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l tenant-token-env -d 'A tenant\'s git token from an environment variable (repeatable)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l username -d 'Basic-auth user name of the git Secrets (default: the one stored with the credential, else "git"; GitHub and GitLab ignore it for PATs, but it must be set)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l operator-manifest -d 'The Flux Operator release manifest (file or http(s) URL)' -r -F
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l timeout -d 'How long to wait for the FluxInstance and the sync Kustomization to be Ready (default 5m; keos: 20m, for default and every domain Kustomization)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l kubectl -d 'The kubectl whose kustomize builds classic flux-system directories (default: $KUBECTL, then kubectl on PATH)' -r -F
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l sops -d 'The sops binary that decrypts clusters\' secrets files (default: $SOPS, then sops on PATH)' -r -F
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l sops-gpg-key -d 'The armored PGP secret key of the cluster\'s secrets/.sops.yaml (FILE, or - for stdin), written as Secret flux-system/sops-gpg for kubernetes-replicator to copy' -r -F
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l sops-age-key -d 'The age identity of the cluster\'s secrets/.sops.yaml (FILE, or - for stdin), written as Secret flux-system/sops-age' -r -F
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l fleet-dir -d 'The fleet repository checkout' -r -f -a "(__fish_complete_directories)"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l all -d 'Bootstrap every directory under clusters/'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l token-stdin -d 'Read the fleet git token from stdin'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l insecure-http -d 'Accept a plain http:// sync URL although the token then crosses the network unencrypted (a lab git server)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l no-wait -d 'Do not wait for readiness'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l dry-run -d 'Run every check, then print what would be applied (Secrets redacted) instead of applying'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l install-flux -d 'Install Flux where it is missing (Flux Operator and a FluxInstance without sync), instead of failing that cluster'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -a "init" -d 'Write clusters/CLUSTER/ in the fleet repository (d1, classic or keos layout)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -a "status" -d 'Show Flux status per cluster: versions, readiness, revision, failing objects, tenants'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -s n -l namespace -d 'The namespace Flux runs in (default: flux-system, or the --from cluster\'s)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l from -d 'Copy another cluster\'s directory and re-target it (flags override its settings)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l layout -d 'Directory layout' -r -f -a "d1\t'Flux Operator: `flux-system/flux-instance.yaml` + `flux-operator.yaml` (d1 today)'
classic\t'`flux bootstrap`: `flux-system/gotk-components.yaml`, `gotk-sync.yaml` and `kustomization.yaml` (d1 before the operator, keos fleets)'"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l environment -d 'ENVIRONMENT: the overlay the infra and apps repositories use (default: staging, or production with --production)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l git-branch -d 'GIT_BRANCH: the branch of the infra and apps repositories (default: main, or production with --production)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l cluster-name -d 'CLUSTER_NAME (default: CLUSTER)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l domain -d 'CLUSTER_DOMAIN: the cluster\'s ingress domain, e.g. eu.example.com' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l git-url -d 'The fleet repository URL Flux syncs from (https)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l branch -d 'The fleet repository branch (or full ref) Flux syncs from' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l pull-secret -d 'The git Secret the sync reads' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l provider -d 'How the sync authenticates: github = a GitHub App Secret (writes `provider: github`; bootstrap then needs an App credential, `token set --github-app`), generic = a token (default, or the --from cluster\'s)' -r -f -a "generic\t'A token Secret (`username`/`password`) or SSH key: no `provider` field'
github\t'A GitHub App Secret: `provider: github`; source-controller mints installation tokens'"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l flux-version -d 'Flux version expression (default 2.x, the latest)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l registry -d 'Registry of the Flux images' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l artifact -d 'OCI artifact of the distribution manifests (\'none\' for the manifests bundled with the operator, e.g. on air-gapped clusters)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l variant -d 'Enterprise distribution variant' -r -f -a "upstream-alpine\t''
enterprise-alpine\t''
enterprise-distroless\t''
enterprise-distroless-fips\t''"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l image-pull-secret -d 'Image pull secret for the distribution registry (e.g. flux-enterprise-auth)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l components -d 'Flux controllers (comma-separated; the image automation controllers follow --production)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l cluster-type -d 'Cluster type' -r -f -a "kubernetes\t''
openshift\t''
aws\t''
azure\t''
gcp\t''"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l tenant-default-sa -d 'Service account tenants\' reconcilers impersonate by default' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l operator-chart -d 'The Flux Operator chart the flux-operator ResourceSet installs (an oci:// mirror), or \'none\' for no ResourceSet (upgrade the operator by re-running bootstrap with a newer manifest)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l cluster-dns-domain -d 'The cluster\'s DNS domain (spec.cluster.domain)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l set -d 'An extra runtime-info key (repeatable), e.g. --set REGION=eu-west-1; keos: the STRATIO_* and registry keys, e.g. --set STRATIO_SIZE=S' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l profile -d 'Import the profile clusters/_components/PROFILE, a kustomize Component (classic layout): the cluster\'s kustomization.yaml lists it under components:' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l use-case -d 'The use case (default: useCase in kubectl-fleet.yaml)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l sops-pgp -d 'Encrypt the cluster\'s secrets for this PGP fingerprint (repeatable); bootstrap provides the private key as Secret sops-gpg' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l sops-age -d 'Encrypt the cluster\'s secrets for this age recipient (repeatable); bootstrap provides the identity as Secret sops-age' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l sops-kms -d 'Encrypt the cluster\'s secrets with this AWS KMS key (kustomize-controller decrypts with its own identity: SOPS_SECRET_PROVIDED=false)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l sops-aws-profile -d 'The AWS profile of --sops-kms' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l sops-pgp-public-key -d 'The armored public key of --sops-pgp, written to secrets/.sops.pub.asc' -r -F
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l system-services-git-url -d 'The system services repository, when the use case has no domain/system-services/UC/components yet' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l apps-git-url -d 'The apps repository, when the use case has no domain/apps/UC/prerequisites yet' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l capsule-tenant -d 'A Capsule Tenant in the apps prerequisites (with --capsule-owner-group)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l capsule-owner-group -d 'The group owning --capsule-tenant' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l components-manifest -d 'Classic layout: the Flux components manifest to copy as gotk-components.yaml (file or URL)' -r -F
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l fleet-dir -d 'The fleet repository checkout' -r -f -a "(__fish_complete_directories)"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l production -d 'A production cluster: no image automation (no image controllers, and the tenants delete objects labelled toolkit.fluxcd.io/role=automation), ENVIRONMENT and GIT_BRANCH production'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l automation -d 'Run image automation (the default unless --production)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l no-automation -d 'Do not run image automation'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l public-repo -d 'The fleet repository is public: no pull secret'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l insecure-http -d 'Accept a plain http:// git URL although the token then crosses the network unencrypted (a lab git server)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l multitenant -d 'Multi-tenancy lockdown (the default)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l no-multitenant -d 'No multi-tenancy lockdown'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l network-policy -d 'Network policies for the Flux controllers (the default)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l no-network-policy -d 'No network policies'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l instance-wait -d 'Let the FluxInstance wait for the Flux controllers to be healthy (the operator\'s default)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l no-instance-wait -d 'Set spec.wait: false on the FluxInstance (clusters where Deployments never become ready, e.g. a control plane without nodes)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l force -d 'Overwrite files that differ'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l dry-run -d 'Print the diff of what would change; write nothing'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -s n -l namespace -d 'The namespace Flux runs in' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l fleet-dir -d 'The fleet repository checkout' -r -f -a "(__fish_complete_directories)"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l stats -d 'Show what `flux stats` shows instead: per cluster and for the fleet, per Flux kind the objects running, failing, suspended and the sources\' storage'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand help; and not __fish_seen_subcommand_from init status help" -f -a "init" -d 'Write clusters/CLUSTER/ in the fleet repository (d1, classic or keos layout)'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand help; and not __fish_seen_subcommand_from init status help" -f -a "status" -d 'Show Flux status per cluster: versions, readiness, revision, failing objects, tenants'
complete -c kubectl-fleet-bootstrap -n "__fish_kubectl_fleet_bootstrap_using_subcommand help; and not __fish_seen_subcommand_from init status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
