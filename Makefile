# ferry — build, test, demo, bench. Plain make; pkg-config for libraries.
#   make            build ./ferry (into build/, binary linked to ./ferry)
#   make test       install missing Debian packages, build, run all tests
#   make demo       build, start a throwaway PostgreSQL, convert a sample
#   make asan|tsan  build with sanitizers into build-asan/ build-tsan/ and run the tests
#   make bench      ferry side by side with pgloader & co (bench/README.md; options: BENCH_ARGS="--rows N --runs R --scenarios a,b")
#   make torture    100 random-kill trials of ferry copy (TRIALS, SEED, ROWS: see tests/torture/run.sh)

CC      ?= cc
BUILD   ?= build
PKGS    := sqlite3 libpq libzstd libcjson libmariadb libxxhash
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral -Werror
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -MMD -MP \
              $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -Iengine -Idrivers
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
LDFLAGS += $(EXTRA_LDFLAGS)

ENGINE_SRC  := $(wildcard engine/*.c)
DRIVER_SRC  := $(wildcard drivers/*.c)
LIB_SRC     := $(filter-out engine/main.c,$(ENGINE_SRC)) $(DRIVER_SRC)
UNIT_SRC    := $(wildcard tests/unit/*.c)
MAPPINGS    := $(wildcard mappings/*.map)

LIB_OBJ     := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/mappings_data.o
MAIN_OBJ    := $(BUILD)/engine/main.o
UNIT_OBJ    := $(UNIT_SRC:%.c=$(BUILD)/%.o)

.PHONY: all test unit integration demo asan tsan bench torture clean deps check-deps

all: $(BUILD)/ferry
	@ln -sf $(BUILD)/ferry ferry

$(BUILD)/ferry: $(LIB_OBJ) $(MAIN_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/unit_tests: $(LIB_OBJ) $(UNIT_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The type tables in mappings/ are data, compiled in so the binary runs alone.
$(BUILD)/mappings_data.c: $(MAPPINGS) tests/lib/embed.sh
	@mkdir -p $(BUILD)
	sh tests/lib/embed.sh $(MAPPINGS) > $@

$(BUILD)/mappings_data.o: $(BUILD)/mappings_data.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

deps:
	@sh tests/lib/deps.sh

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

integration: $(BUILD)/ferry
	FERRY=$(abspath $(BUILD)/ferry) bash tests/integration/run.sh

test: deps
	$(MAKE) all $(BUILD)/unit_tests
	$(MAKE) unit
	$(MAKE) integration

demo: deps
	$(MAKE) all
	bash tests/lib/demo.sh

asan: deps
	$(MAKE) BUILD=build-asan EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	        EXTRA_LDFLAGS="-fsanitize=address,undefined" CFLAGS="-O1 -g" build-asan/ferry build-asan/unit_tests
	build-asan/unit_tests
	FERRY=$(abspath build-asan/ferry) bash tests/integration/run.sh

tsan: deps
	$(MAKE) BUILD=build-tsan EXTRA_CFLAGS="-fsanitize=thread" EXTRA_LDFLAGS="-fsanitize=thread" \
	        CFLAGS="-O1 -g" build-tsan/ferry build-tsan/unit_tests
	build-tsan/unit_tests
	FERRY=$(abspath build-tsan/ferry) bash tests/integration/run.sh

bench: deps
	$(MAKE) all
	FERRY=$(abspath $(BUILD)/ferry) bash bench/run.sh $(BENCH_ARGS)

torture: all
	FERRY=$(abspath $(BUILD)/ferry) bash tests/torture/run.sh

clean:
	rm -rf build build-asan build-tsan ferry

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)
