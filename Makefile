# The two commands (see README): `make run` starts the whole stack on
# 127.0.0.1 and `make test` runs the whole suite. Both install missing Debian
# packages and build first.
.PHONY: run test bench deps build clean

run:
	@scripts/run.sh

test:
	@scripts/test.sh

bench:
	@bench/run.sh

deps:
	@scripts/deps.sh

build: deps
	@cmake --preset release >/dev/null && cmake --build --preset release --target runtime

clean:
	rm -rf build run
