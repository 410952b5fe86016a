build-b/src/domain/request/request.o: src/domain/request/request.c \
 src/domain/request/request.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h src/domain/core/fsm.h \
 src/domain/core/settings.h src/domain/core/text.h \
 src/domain/master/master.h src/domain/record/record.h src/util/date.h \
 src/domain/search/search.h src/domain/sla/sla.h src/util/clock.h \
 src/util/text.h
src/domain/request/request.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/domain/core/fsm.h:
src/domain/core/settings.h:
src/domain/core/text.h:
src/domain/master/master.h:
src/domain/record/record.h:
src/util/date.h:
src/domain/search/search.h:
src/domain/sla/sla.h:
src/util/clock.h:
src/util/text.h:
