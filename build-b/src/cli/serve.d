build-b/src/cli/serve.o: src/cli/serve.c src/api/api.h \
 src/domain/core/core.h src/store/store.h src/util/err.h src/util/mem.h \
 src/util/json.h src/domain/core/settings.h src/domain/record/record.h \
 src/http/http.h src/app.h src/store/store.h src/cli/cli.h \
 src/domain/search/search.h src/domain/sla/sla.h src/util/clock.h \
 src/util/log.h
src/api/api.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/domain/core/settings.h:
src/domain/record/record.h:
src/http/http.h:
src/app.h:
src/store/store.h:
src/cli/cli.h:
src/domain/search/search.h:
src/domain/sla/sla.h:
src/util/clock.h:
src/util/log.h:
