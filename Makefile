# storyline - one plain Makefile.  `make`, `make test`, `make demo`,
# `make bench`, `make check-asan`, `make install PREFIX=...`.

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
PKGS    := sqlite3 libutf8proc libxxhash jansson
SHARED  ?= ../shared

# -O3: the taggers' loops over each feature's row of weights vectorise
# (bench/ner.sh, one core: tokens 0.96-1.09 -> 0.85-0.88 s, attributions
# 2.50-2.82 -> 2.02-2.29 s); dedup and recluster measured the same.
OPT      ?= -O3 -g
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS   ?=
CFLAGS   += -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -fvisibility=hidden -fPIC \
            -Iinclude -Isrc $(shell pkg-config --cflags $(PKGS))
ifeq ($(WERROR),1)
CFLAGS   += -Werror
endif
# libstemmer (Debian libstemmer-dev) ships no pkg-config file.
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -lstemmer -lm -lpthread

LIB_SRC  := $(wildcard src/*.c)
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/embedded.o $(BUILD)/obj/ner_model.o \
            $(BUILD)/obj/attrib_model.o
CLI_SRC  := $(wildcard cli/*.c)
CLI_OBJ  := $(CLI_SRC:cli/%.c=$(BUILD)/obj/cli_%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
DATA     := data/boilerplate.rules data/common-words.txt data/stopwords.txt data/terms-df.txt \
            data/entities.txt data/cues.txt
# The page `storyline serve` serves, compiled into the command only.
PAGE     := cli/page/index.html cli/page/app.js
CLI_LIBS := $(shell pkg-config --libs libmicrohttpd)

.PHONY: all test demo bench bench-scale eval check-asan install clean deps fuzz df-model ner-model attrib-model

all: $(BUILD)/storyline $(BUILD)/libstoryline.so

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) include/storyline.h | $(BUILD)/obj
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/cli_%.o: cli/%.c cli/cli.h include/storyline.h | $(BUILD)/obj
	$(CC) $(CFLAGS) $(shell pkg-config --cflags libmicrohttpd) -Icli -c $< -o $@

$(BUILD)/obj/page.c: $(BUILD)/embed $(PAGE)
	$(BUILD)/embed $(PAGE) > $@

$(BUILD)/obj/page.o: $(BUILD)/obj/page.c
	$(CC) $(CFLAGS) -c $< -o $@

# Data files the library loads by default are compiled in, so the binary
# works from any directory; --rules FILE overrides them at run time.
$(BUILD)/embed: tools/embed.c | $(BUILD)/obj
	$(CC) -O1 -o $@ $<

$(BUILD)/obj/embedded.c: $(BUILD)/embed $(DATA)
	$(BUILD)/embed $(DATA) > $@

$(BUILD)/obj/embedded.o: $(BUILD)/obj/embedded.c
	$(CC) $(CFLAGS) -c $< -o $@

# The NER model (make ner-model) goes into read-only data as it is.
$(BUILD)/obj/ner_model.o: src/ner_model.S data/ner.model | $(BUILD)/obj
	$(CC) -c $< -o $@

$(BUILD)/obj/attrib_model.o: src/attrib_model.S data/attrib.model | $(BUILD)/obj
	$(CC) -c $< -o $@

$(BUILD)/libstoryline.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/libstoryline.so: $(LIB_OBJ)
	$(CC) -shared -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/storyline: $(CLI_OBJ) $(BUILD)/obj/page.o $(BUILD)/libstoryline.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS) $(CLI_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libstoryline.a | $(BUILD)/tests
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libstoryline.a $(LDFLAGS) $(LDLIBS) \
	    $(shell pkg-config --cflags --libs cmocka)

$(BUILD)/tests/rss: bench/rss.c | $(BUILD)/tests
	$(CC) -O2 -o $@ $<

$(BUILD)/tests/check_latency: bench/check_latency.c $(BUILD)/libstoryline.a | $(BUILD)/tests
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libstoryline.a $(LDFLAGS) $(LDLIBS)

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

# Every test: unit tests (cmocka), CLI transcripts, the crash test.
# Ends with "N passed, N failed".
test: all $(UNIT_BIN)
	@BUILD=$(BUILD) SHARED=$(SHARED) tests/run.sh

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
check-asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    LDFLAGS="-fsanitize=address,undefined" test

deps:
	scripts/deps.sh

demo: deps
	$(MAKE) all
	rm -f demo.db demo.db-wal demo.db-shm
	$(BUILD)/storyline ingest --db demo.db examples/
	$(BUILD)/storyline stats --db demo.db
	$(BUILD)/storyline list --db demo.db

# Accuracy on the labelled corpora in ../shared/data (tune on dev only).
eval: all
	BUILD=$(BUILD) SHARED=$(SHARED) bench/eval_dedup.sh
	BUILD=$(BUILD) SHARED=$(SHARED) bench/eval_stories.sh dev test
	BUILD=$(BUILD) SHARED=$(SHARED) bench/eval_ner.sh dev test
	BUILD=$(BUILD) SHARED=$(SHARED) bench/eval_attrib.sh dev test

bench: all $(BUILD)/tests/rss
	scripts/deps.sh --bench
	BUILD=$(BUILD) SHARED=$(SHARED) bench/ingest.sh
	BUILD=$(BUILD) bench/stories.sh $(BUILD)/bench/articles-500mb.jsonl "10000 100000 159904"
	BUILD=$(BUILD) SHARED=$(SHARED) bench/ner.sh
	BUILD=$(BUILD) bench/serve.sh $(BUILD)/bench/articles-500mb.jsonl 100000 10

# Growth from 10k to 1M articles; needs the scale corpus (bench/scale.sh).
bench-scale: all $(BUILD)/tests/rss $(BUILD)/tests/check_latency
	BUILD=$(BUILD) SHARED=$(SHARED) bench/scale.sh $(SCALE_DIR) $(SIZES)
	BUILD=$(BUILD) bench/stories.sh $(SCALE_DIR)/docs.jsonl "$(or $(SIZES),10000 100000 1000000)"

# A libFuzzer run of the JSONL parser (needs clang): make fuzz FUZZ_SECONDS=60
FUZZ_SECONDS ?= 60
fuzz:
	mkdir -p $(BUILD)/fuzz-corpus
	clang -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
	    src/jsonl.c tests/fuzz/fuzz_jsonl.c -o $(BUILD)/fuzz_jsonl
	cp examples/articles.jsonl $(BUILD)/fuzz-corpus/ 2>/dev/null || true
	$(BUILD)/fuzz_jsonl -max_total_time=$(FUZZ_SECONDS) -max_len=4096 $(BUILD)/fuzz-corpus

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	    $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/storyline $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(BUILD)/libstoryline.a $(BUILD)/libstoryline.so $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/storyline.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 docs/storyline.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build build-asan demo.db demo.db-wal demo.db-shm

# The background document frequencies of story terms (data/terms-df.txt),
# from a news corpus without event labels.
$(BUILD)/df_model: tools/df_model.c $(BUILD)/libstoryline.a
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libstoryline.a $(LDFLAGS) $(LDLIBS)

# Retrain the NER model from CoNLL-2003 (train; the epoch chosen on dev).
$(BUILD)/train_ner: tools/train_ner.c tools/perceptron.h src/ner.c src/ner.h src/chain.c src/chain.h src/buf.h | $(BUILD)/obj
	$(CC) $(CFLAGS) -DNER_NO_DEFAULT -Itools -o $@ tools/train_ner.c src/ner.c src/chain.c $(LDFLAGS) $(LDLIBS)

$(BUILD)/ner_lexicon: tools/ner_lexicon.c $(BUILD)/libstoryline.a
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libstoryline.a $(LDFLAGS) $(LDLIBS)

# The lexicon from unlabelled news (news-base, PolNeAR's training
# articles, CoNLL-2003's training tokens), then the model from CoNLL-2003
# train, its epoch chosen on dev; the test file is never read.
ner-model: $(BUILD)/train_ner $(BUILD)/ner_lexicon
	$(BUILD)/ner_lexicon $(SHARED)/data/news-base/articles.jsonl $(SHARED)/data/polnear/train.jsonl \
	    $(SHARED)/data/conll2003/train.conll > data/ner-lexicon.txt.tmp
	mv data/ner-lexicon.txt.tmp data/ner-lexicon.txt
	$(BUILD)/train_ner --models 5 --bits 17 --epochs 20 data/ner-lexicon.txt $(SHARED)/data/conll2003/train.conll \
	    $(SHARED)/data/conll2003/dev.conll data/ner.model.tmp
	mv data/ner.model.tmp data/ner.model

$(BUILD)/train_attrib: tools/train_attrib.c tools/perceptron.h $(BUILD)/libstoryline.a
	$(CC) $(CFLAGS) -Itools -o $@ $< $(BUILD)/libstoryline.a $(LDFLAGS) $(LDLIBS)

# The attribution model from PolNeAR train, its epoch chosen on dev; the
# test file is never read.
attrib-model: $(BUILD)/train_attrib
	$(BUILD)/train_attrib --bits 18 $(SHARED)/data/polnear/train.jsonl $(SHARED)/data/polnear/dev.jsonl \
	    data/attrib.model.tmp
	mv data/attrib.model.tmp data/attrib.model

df-model: $(BUILD)/df_model
	$(BUILD)/df_model $(SHARED)/data/news-base/articles.jsonl > data/terms-df.txt.tmp
	mv data/terms-df.txt.tmp data/terms-df.txt
