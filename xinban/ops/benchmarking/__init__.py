"""What ``manage.py bench`` (xinban/ops/management/commands/bench.py) builds on."""
