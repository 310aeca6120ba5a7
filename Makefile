# Two commands from a fresh clone (see README):
#   make demo   installs the build tools HiGHS needs if missing, builds, and solves the bundled school
#   make test   installs the build tools if missing and runs the whole test suite
.PHONY: demo test deps bench

deps:
	@bash scripts/install-deps.sh

demo: deps
	cargo run --quiet -- solve examples/school.json

test: deps
	cargo test

bench: deps
	cargo bench
