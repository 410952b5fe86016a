build-b/src/domain/request/intake.o: src/domain/request/intake.c \
 src/domain/request/request.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h src/domain/core/fsm.h \
 src/domain/core/settings.h src/domain/master/master.h \
 src/domain/record/record.h src/util/date.h
src/domain/request/request.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/domain/core/fsm.h:
src/domain/core/settings.h:
src/domain/master/master.h:
src/domain/record/record.h:
src/util/date.h:
