/* labels.c: being written */
