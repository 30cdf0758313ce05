complete -c kubectl-fleet-health -l drift-allow -d 'A change that is not drift: MANAGER (any field) or MANAGER:FIELD (that field and below), `*` for any manager, a trailing `*` for a prefix; repeatable, comma-separated. Also read from KUBECTL_FLEET_DRIFT_ALLOW' -r
complete -c kubectl-fleet-health -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-health -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-health -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-health -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-health -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-health -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-health -l drift -d 'List every drifted object (changed outside Flux) with the fields and who changed them'
complete -c kubectl-fleet-health -l no-drift -d 'Do not compute drift (saves the LISTs of what Flux applied)'
complete -c kubectl-fleet-health -l exit-code -d 'Exit 1 on drift and skew too, not only on failing objects and unreachable clusters'
complete -c kubectl-fleet-health -s w -l watch -d 'Keep the view live until Ctrl-C, recomputed when a Flux object changes: redrawn in place on a terminal, each change appended in a pipe (-o json: one document per line)'
complete -c kubectl-fleet-health -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-health -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-health -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-health -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-health -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-health -s V -l version -d 'Print version'
