build-b/src/util/date.o: src/util/date.c src/util/date.h src/util/clock.h
src/util/date.h:
src/util/clock.h:
