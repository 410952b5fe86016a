build-b/src/domain/report/report.o: src/domain/report/report.c \
 src/domain/report/report.h src/store/store.h src/util/err.h \
 src/util/mem.h
src/domain/report/report.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
