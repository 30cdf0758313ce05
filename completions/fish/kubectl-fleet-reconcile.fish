complete -c kubectl-fleet-reconcile -s l -l selector -d 'With --all: only objects whose labels match this selector (e.g. team=web,tier!=db)' -r
complete -c kubectl-fleet-reconcile -l timeout -d 'How long to wait for each object (its source included)' -r
complete -c kubectl-fleet-reconcile -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config)' -r -F
complete -c kubectl-fleet-reconcile -l context -d 'Kube context to act on; repeat for several clusters (default: the current context)' -r
complete -c kubectl-fleet-reconcile -l request-timeout -d 'Timeout of each API request (e.g. 30s, 1m)' -r
complete -c kubectl-fleet-reconcile -s o -l output -d 'Output format' -r -f -a "table\t'A kubectl-style table, cut to the terminal width, revisions shortened'
wide\t'The table with whole revisions and messages, never cut (kubectl\'s `-o wide`)'
json\t'JSON, for scripts'
yaml\t'YAML, for scripts'"
complete -c kubectl-fleet-reconcile -l v -d 'kubectl\'s log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`. Hidden, so completion never offers a value after `-v`' -r
complete -c kubectl-fleet-reconcile -l color -d 'When to use colours (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when writing to a terminal and `NO_COLOR` is unset'
always\t'Always colour, even into a pipe'
never\t'Never colour'"
complete -c kubectl-fleet-reconcile -s n -l namespace -d 'Namespace of the objects (default: flux-system)' -r
complete -c kubectl-fleet-reconcile -l all -d 'Every object of KIND (in -n, or every namespace with -A), narrowed by -l'
complete -c kubectl-fleet-reconcile -s A -l all-namespaces -d 'With --all: objects of every namespace'
complete -c kubectl-fleet-reconcile -l with-source -d 'Reconcile the object\'s source first and wait for it (Kustomization, HelmRelease, HelmChart, ImageUpdateAutomation), so a new commit or chart is picked up now'
complete -c kubectl-fleet-reconcile -l force -d 'Also set reconcile.fluxcd.io/forceAt (helm-controller releases even without changes)'
complete -c kubectl-fleet-reconcile -l no-wait -d 'Return once the request is made, without waiting for the controller'
complete -c kubectl-fleet-reconcile -l all-contexts -d 'Act on every context in the kubeconfig'
complete -c kubectl-fleet-reconcile -s q -l quiet -d 'Print only errors and data'
complete -c kubectl-fleet-reconcile -s v -l verbose -d 'Print debug details (hides progress bars)'
complete -c kubectl-fleet-reconcile -l no-progress -d 'Never draw progress bars'
complete -c kubectl-fleet-reconcile -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-fleet-reconcile -s V -l version -d 'Print version'
