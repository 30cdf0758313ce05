complete -c kubectl-fleet-tree -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-tree -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-tree -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-tree -s o -l output -d 'Output format' -r -f -a "tree\t'Tree with glyphs and colour'
table\t'Indented table'
json\t'JSON document keyed by context'
yaml\t'YAML document keyed by context'"
complete -c kubectl-fleet-tree -l status -d 'Show only failing nodes (NotReady, Missing, Unknown) and their ancestors' -r -f -a "failing\t'Failing nodes (NotReady, Missing, Unknown) and their ancestors'"
complete -c kubectl-fleet-tree -l depth -d 'Expand at most N levels below the root' -r
complete -c kubectl-fleet-tree -l drift-allow -d 'A change that is not drift: MANAGER (any field) or MANAGER:FIELD (that field and below), `*` for any manager, a trailing `*` for a prefix; repeatable, comma-separated. Also read from KUBECTL_FLEET_DRIFT_ALLOW' -r
complete -c kubectl-fleet-tree -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-tree -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-tree -s n -l namespace -d 'Namespace of the root object (default: flux-system)' -r
complete -c kubectl-fleet-tree -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-tree -l compact -d 'Show Flux objects only (and do not fetch the others)'
complete -c kubectl-fleet-tree -l exit-code -d 'Exit 1 when a node is failing (implied by --status failing), so the tree can gate a script'
complete -c kubectl-fleet-tree -l drift -d 'Mark every object an owner applied that a field manager other than Flux changed since: `Drifted (MANAGER: FIELDS)`, as `health --drift` says it. Read from the managedFields in the LISTs the tree sends anyway (no extra request), but judging them costs about a fifth more client CPU on a large tree, so it is asked for'
complete -c kubectl-fleet-tree -s w -l watch -d 'Keep the tree live until Ctrl-C: one WATCH per kind it shows, redrawn in place on a terminal, each change appended in a pipe (after a `--- TIME ---` line; -o json: one document per line)'
complete -c kubectl-fleet-tree -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-tree -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-tree -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-tree -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-tree -s V -l version -d 'Print version'
