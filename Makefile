# The two entry points (see README.md). Both install what is missing first.
.PHONY: parity test build clean

parity:
	bash scripts/setup.sh
	dotnet build parity/Bridge.Parity -c Release --no-restore --verbosity quiet -nologo
	bash scripts/parity.sh

test:
	bash scripts/test.sh

build:
	bash scripts/setup.sh
	dotnet build Bridge.sln -c Release --no-restore

clean:
	dotnet clean Bridge.sln --verbosity quiet
	rm -rf parity/out
