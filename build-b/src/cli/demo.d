build-b/src/cli/demo.o: src/cli/demo.c src/cli/cli.h src/app.h \
 src/store/store.h src/util/err.h src/util/mem.h src/cli/gen.h \
 src/store/store.h src/domain/master/master.h src/domain/core/core.h \
 src/util/json.h src/domain/record/record.h src/util/date.h \
 src/domain/request/request.h src/domain/core/fsm.h \
 src/domain/core/settings.h src/domain/stock/stock.h \
 src/domain/user/user.h src/util/clock.h
src/cli/cli.h:
src/app.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/cli/gen.h:
src/store/store.h:
src/domain/master/master.h:
src/domain/core/core.h:
src/util/json.h:
src/domain/record/record.h:
src/util/date.h:
src/domain/request/request.h:
src/domain/core/fsm.h:
src/domain/core/settings.h:
src/domain/stock/stock.h:
src/domain/user/user.h:
src/util/clock.h:
