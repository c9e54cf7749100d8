/* heuristics.c: being written */
