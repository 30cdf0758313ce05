complete -c kubectl-fleet-suspend -s l -l selector -d 'With --all: only objects whose labels match this selector (e.g. team=web,tier!=db)' -r
complete -c kubectl-fleet-suspend -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-suspend -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-suspend -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-suspend -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-suspend -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-suspend -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-suspend -s n -l namespace -d 'Namespace of the objects (default: flux-system)' -r
complete -c kubectl-fleet-suspend -l all -d 'Every object of KIND (in -n, or every namespace with -A), narrowed by -l'
complete -c kubectl-fleet-suspend -s A -l all-namespaces -d 'With --all: objects of every namespace'
complete -c kubectl-fleet-suspend -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-suspend -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-suspend -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-suspend -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-suspend -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-suspend -s V -l version -d 'Print version'
