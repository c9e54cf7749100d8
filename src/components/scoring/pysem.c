/* pysem.c: being written */
