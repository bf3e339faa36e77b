# The two entry points (see README.md). Both install what is missing first.
.PHONY: parity test build native python bench bench-python shm-example bench-shm gpu-check clean

parity:
	bash scripts/make-parity.sh

test:
	bash scripts/test.sh

build:
	bash scripts/setup.sh
	dotnet build Bridge.sln -c Release --no-restore

# libbridge.so for a source checkout (python/bridge finds it in build/native without installing).
native:
	dotnet publish src/Interop -c Release -o build/native --nologo --verbosity quiet

# The Python package, installed into .venv (over Debian's python3, which supplies numpy and torch).
python:
	bash scripts/setup.sh
	bash scripts/python-package.sh

# CPU performance against PyTorch (Debian's, and with OpenBLAS) and TorchSharp: bench/RESULTS.md and plots
# (about 18 minutes; `/usr/bin/python3 bench/run.py --rounds 1 --threads 1` for a quick look).
bench:
	bash scripts/setup.sh
	bash scripts/python-package.sh >/dev/null
	/usr/bin/python3 bench/run.py

# Bridge from Python against PyTorch from Python (conversions, per-op overhead, XOR training): bench/PYTHON.md.
bench-python:
	bash scripts/setup.sh
	.venv/bin/python bench/python/run.py --python $$(bash scripts/python-package.sh)

# A C# producer writes a 64 MiB tensor to /dev/shm; a NumPy consumer maps it (examples/shared_memory).
shm-example:
	bash scripts/setup.sh
	dotnet run --project examples/shared_memory/Producer -c Release

# Exchange cost vs size: shared memory against pickling and np.save (bench/shared_memory/RESULTS.md).
bench-shm:
	bash bench/shared_memory/run.sh

# On a machine with an NVIDIA GPU: the CUDA suite, the parity cases on cuda:0, and matmul/elementwise
# timings against PyTorch CUDA (scripts/cuda/gpu-check.sh).
gpu-check:
	bash scripts/setup.sh
	bash scripts/cuda/gpu-check.sh

clean:
	dotnet clean Bridge.sln --verbosity quiet
	rm -rf parity/out build .venv
