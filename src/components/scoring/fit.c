/* fit.c: being written */
