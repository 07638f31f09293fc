# firstline: the README's two commands.
#   make demo   install missing packages, build, run the demo workspace
#   make check  install missing packages, build with ASan+UBSan and -Werror,
#               run every test; the last line is "N passed, N failed"
BUILD ?= build
CHECK_BUILD ?= build-check
DEMO_DIR ?= demo-workspace

.PHONY: all deps build demo check clean man fuzz

all: build

deps:
	@sh scripts/deps.sh build

build: deps
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) >/dev/null
	@ninja -C $(BUILD) >/dev/null
	@echo "built $(BUILD)/firstline"

demo: build
	./$(BUILD)/firstline demo --dir $(DEMO_DIR) --force

check:
	@sh scripts/deps.sh check
	@test -f $(CHECK_BUILD)/build.ninja || meson setup $(CHECK_BUILD) \
		-Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true \
		-Dbuildtype=debug >/dev/null
	@ninja -C $(CHECK_BUILD) >/dev/null
	@sh tests/run.sh $(CHECK_BUILD)

man: build
	@mkdir -p docs/man
	@for g in init audit entity person asset catalog control risk vuln incident detect notify demo; do \
		./$(BUILD)/firstline man --group $$g > docs/man/firstline-$$g.1; done
	@echo "wrote docs/man/"

# libFuzzer builds (clang): make fuzz, then build-fuzz/fuzz_oscal CORPUS
fuzz:
	@sh scripts/deps.sh fuzz
	@test -f build-fuzz/build.ninja || CC=clang meson setup build-fuzz \
		-Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@ninja -C build-fuzz

clean:
	rm -rf $(BUILD) $(CHECK_BUILD) build-fuzz
