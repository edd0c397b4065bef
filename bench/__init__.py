"""`make bench`: the benchmark (a package, so its modules never shadow the apps' names)."""
