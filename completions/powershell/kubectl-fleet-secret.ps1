
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-fleet-secret' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-fleet-secret'
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
        'kubectl-fleet-secret' {
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config')
            [CompletionResult]::new('--sops', '--sops', [CompletionResultType]::ParameterName, 'The sops binary (default: $SOPS, else sops on PATH)')
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
        'kubectl-fleet-secret;set' {
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
        'kubectl-fleet-secret;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config')
            [CompletionResult]::new('--sops', '--sops', [CompletionResultType]::ParameterName, 'The sops binary (default: $SOPS, else sops on PATH)')
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
        'kubectl-fleet-secret;apply' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kube context to act on; repeat for several clusters (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each API request (e.g. 30s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet repository checkout; its fleet config file selects the layout profile (d1, keos)')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'keos profile: the use case whose app components give secrets their namespace; default: useCase in the fleet config')
            [CompletionResult]::new('--sops', '--sops', [CompletionResultType]::ParameterName, 'The sops binary (default: $SOPS, else sops on PATH)')
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
        'kubectl-fleet-secret;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Encrypt a Secret into clusters/CLUSTER/secrets/COMPONENT/ with the cluster''s .sops.yaml')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show the cluster secrets in the repository without decrypting them')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply clusters'' secrets (and Namespaces) directly, decrypted in memory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-fleet-secret;help;set' {
            break
        }
        'kubectl-fleet-secret;help;list' {
            break
        }
        'kubectl-fleet-secret;help;apply' {
            break
        }
        'kubectl-fleet-secret;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
