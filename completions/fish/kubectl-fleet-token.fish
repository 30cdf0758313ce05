# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_fleet_token_global_optspecs
    string join \n kubeconfig= context= all-contexts request-timeout= q/quiet v/verbose v= color= no-progress h/help V/version
end

function __fish_kubectl_fleet_token_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_fleet_token_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_fleet_token_using_subcommand
    set -l cmd (__fish_kubectl_fleet_token_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -f -a "set" -d 'Store a token in the OS keyring (hidden prompt, or --from-stdin)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -f -a "list" -d 'List stored tokens with their expiry and last check'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -f -a "ls" -d 'List stored tokens with their expiry and last check'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -f -a "delete" -d 'Delete a stored token (and its metadata)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -f -a "rm" -d 'Delete a stored token (and its metadata)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -f -a "check" -d 'Ask the provider whether tokens work and when they expire'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -f -a "rotate" -d 'Replace a token on every selected cluster and wait for Flux to fetch with the new one'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -f -a "audit" -d 'Which clusters use which token, and when each expires (exit 1 when one expires within --warn-days)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -f -a "migrate" -d 'Move every cluster that uses a token (PAT) to a GitHub App: provider: github set in the fleet repository, each Secret switched to the App when the push lands, the fetch verified'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l provider -d 'Git hosting provider (default: the stored one, else guessed from the token prefix, else github)' -r -f -a "github\t'github.com or GitHub Enterprise Server'
gitlab\t'gitlab.com or a self-managed GitLab'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l api-url -l github-url -d 'Provider API base URL (GitHub Enterprise: https://HOST/api/v3; GitLab: https://HOST/api/v4). For a GitHub App it is the githubAppBaseURL Flux mints installation tokens from' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l username -d 'Basic-auth username written into git Secrets (default: the stored one, else "git")' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l app-id -d 'The GitHub App\'s ID (with --github-app)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l installation-id -d 'The ID of the App\'s installation on the fleet\'s organisation (with --github-app)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l private-key-file -d 'The App\'s private key (PEM); without it, the key is read from stdin' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l from-stdin -d 'Read the token from stdin instead of a hidden prompt'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l force -d 'Replace an existing credential (only the keyring: use `token rotate` to update clusters)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l check -d 'Check the token with the provider first (the default)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l no-check -d 'Do not ask the provider (air-gapped, or the token is not active yet)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l github-app -d 'Store a GitHub App (its private key) instead of a token'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand list" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand list" -l warn-days -d 'Warn about tokens expiring within N days' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand list" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand list" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand list" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand list" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand list" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand list" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand list" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand list" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand ls" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand ls" -l warn-days -d 'Warn about tokens expiring within N days' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand ls" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand ls" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand ls" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand ls" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand ls" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand ls" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand ls" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand ls" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand ls" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand delete" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand delete" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand delete" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand delete" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand delete" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand delete" -l force -d 'Delete it even while a rotation of it is unfinished (both its tokens go; without a terminal to ask on, this is required then)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand delete" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand delete" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand delete" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand delete" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rm" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rm" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rm" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rm" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rm" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rm" -l force -d 'Delete it even while a rotation of it is unfinished (both its tokens go; without a terminal to ask on, this is required then)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rm" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rm" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rm" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rm" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -l warn-days -d 'Warn about tokens expiring within N days' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -l check-timeout -d 'Time budget of each provider request' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -l repo -d 'A fleet repository checkout: warn when a GitHub App cannot read a repository its FluxInstances and GitRepositories sync from' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l private-key-file -d 'A GitHub App: its new private key (PEM), generated in the App\'s settings. The old key is kept until every cluster fetched with the new one; then the run names it for deletion' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l expires-in -d 'Lifetime of the new GitLab token: 30d, 4w or a number of days (default: GitLab\'s)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l gitlab-project -d 'A project access token: rotate it through this project\'s API (ID or path) instead of its own self-rotation endpoint (GitLab before 17.9, or no self_rotate scope)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l gitlab-group -d 'A group access token: rotate it through this group\'s API (ID or path)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l timeout -d 'How long to wait for the GitRepositories of each cluster' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l flux-namespace -d 'The namespace Flux runs in on every selected cluster: the only namespace trusted to hold the credential besides its tenants\' (default: found on each cluster, from its FluxInstance or sync objects, else flux-system)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l from-stdin -d 'Read the new token from stdin instead of a hidden prompt (a GitHub App\'s new private key: its PEM)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l check -d 'Check the token with the provider first (the default)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l no-check -d 'Do not ask the provider (air-gapped, or the token is not active yet)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l resume -d 'Continue an unfinished rotation on the clusters that are not done yet'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l rollback -d 'Put the previous token back on every cluster of an unfinished rotation'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l dry-run -d 'Show what would be updated, change nothing'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l self -d 'GitLab: the stored token rotates itself (GitLab issues the new one and revokes the old one at once, so there is no --rollback); needs scope api or self_rotate'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l no-wait -d 'Do not wait for the GitRepositories to fetch with the new token'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand audit" -l warn-days -d 'Warn about, and exit 1 on, credentials in use that expire within N days' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand audit" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand audit" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand audit" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand audit" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand audit" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand audit" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand audit" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand audit" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand audit" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand audit" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l to -d 'The GitHub App credential to move them to (stored with \'token set --github-app\')' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l repo-dir -d 'The fleet repository checkout whose files declare the sources' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l timeout -d 'How long to wait for the push to reach each cluster, and for each fetch' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l flux-namespace -d 'The namespace Flux runs in on every selected cluster (default: found on each cluster)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l apply-files-only -d 'Stop once the files are written: push them, then run again with --resume'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l resume -d 'Continue an unfinished migration'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l rollback -d 'Put the PAT back on every cluster of an unfinished migration'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l dry-run -d 'Show the plan and the file changes, change nothing'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand help; and not __fish_seen_subcommand_from set list delete check rotate audit migrate help" -f -a "set" -d 'Store a token in the OS keyring (hidden prompt, or --from-stdin)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand help; and not __fish_seen_subcommand_from set list delete check rotate audit migrate help" -f -a "list" -d 'List stored tokens with their expiry and last check'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand help; and not __fish_seen_subcommand_from set list delete check rotate audit migrate help" -f -a "delete" -d 'Delete a stored token (and its metadata)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand help; and not __fish_seen_subcommand_from set list delete check rotate audit migrate help" -f -a "check" -d 'Ask the provider whether tokens work and when they expire'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand help; and not __fish_seen_subcommand_from set list delete check rotate audit migrate help" -f -a "rotate" -d 'Replace a token on every selected cluster and wait for Flux to fetch with the new one'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand help; and not __fish_seen_subcommand_from set list delete check rotate audit migrate help" -f -a "audit" -d 'Which clusters use which token, and when each expires (exit 1 when one expires within --warn-days)'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand help; and not __fish_seen_subcommand_from set list delete check rotate audit migrate help" -f -a "migrate" -d 'Move every cluster that uses a token (PAT) to a GitHub App: provider: github set in the fleet repository, each Secret switched to the App when the push lands, the fetch verified'
complete -c kubectl-fleet-token -n "__fish_kubectl_fleet_token_using_subcommand help; and not __fish_seen_subcommand_from set list delete check rotate audit migrate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
