"""The production packaging holds together: docker-compose.yml, the Dockerfile, .env.example and gunicorn.

No Docker engine is needed: the files are parsed, and everything they name is looked up in this
checkout (commands, modules, management commands, settings variables, files to copy). Where a
piece can run without containers it is run: production settings' refusals, `check --deploy`,
collectstatic as the image runs it, and web's and beat's health checks against real processes.
None of these tests uses a database.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import runpy
import shlex
import socket
import subprocess
import sys
import time
from fnmatch import fnmatch
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
ENV_EXAMPLE = REPO / ".env.example"
GUNICORN_CONF = REPO / "csp_portal" / "gunicorn.conf.py"
SETTINGS_DIR = REPO / "csp_portal" / "settings"

APP_SERVICES = {"web", "worker", "beat", "migrate"}
BACKING_SERVICES = {"postgres", "redis"}
EXPECTED_SERVICES = APP_SERVICES | BACKING_SERVICES
ONE_SHOT_SERVICES = {"migrate"}
LONG_RUNNING_SERVICES = EXPECTED_SERVICES - ONE_SHOT_SERVICES
BUILT_IN_NODE_STAGE = {"static/dist"}
# Started only when their profile is asked for: Azurite, an object store for a trial.
TRIAL_SERVICES = {"azurite"}

SECRET_KEY = "k9Qv2-xT7pL0zR4mW8nB3cY6hJ1sD5fG0aE2uI7oP9lK3jH8gF4dS6qZ1xC5vN7bM2"
VALID_PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "csp_portal.settings.production",
    "SECRET_KEY": SECRET_KEY,
    "ALLOWED_HOSTS": "csp.example.org",
    "DATABASE_URL": "postgres://u:p@127.0.0.1:1/x",
    "REDIS_URL": "redis://127.0.0.1:1/0",
}


# --- Reading the files -------------------------------------------------------------------------


def load_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def command_argv(command) -> list[str]:
    return list(command) if isinstance(command, list) else shlex.split(command)


def settings_variables() -> set[str]:
    """Every NAME the settings read through ``env.<fn>("NAME", ...)``."""
    names = set()
    for path in SETTINGS_DIR.glob("*.py"):
        names |= set(re.findall(r'\benv\.\w+\(\s*"([A-Z][A-Z0-9_]*)"', path.read_text(encoding="utf-8")))
    return names


def gunicorn_variables() -> set[str]:
    text = GUNICORN_CONF.read_text(encoding="utf-8")
    return set(re.findall(r'(?:os\.environ\.get|_positive_int|\.ip_networks)\(\s*"([A-Z][A-Z0-9_]*)"', text))


def compose_interpolated_variables() -> dict[str, str]:
    """NAME -> the operator that follows it (":?", ":-", "" ...) for each ${NAME...} in the compose file."""
    text = COMPOSE_FILE.read_text(encoding="utf-8").replace("$$", "")
    return dict(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)([:?\-+]*)", text))


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?message} substitution, and $$ for a dollar."""

    def substitute(match: re.Match) -> str:
        name, operator, rest = match.group(1), match.group(2) or "", match.group(3) or ""
        current = variables.get(name, "")
        if operator == ":?" and not current:
            raise AssertionError(f"compose would stop: {name} is unset ({rest})")
        if operator == ":-" and not current:
            return rest
        return current

    placeholder = "\0"
    value = value.replace("$$", placeholder)
    value = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[?\-])([^}]*))?\}", substitute, value)
    return value.replace(placeholder, "$")


def env_example_lines() -> list[tuple[str, str, bool]]:
    """(name, value, active) for each ``NAME=value`` line, active or commented out."""
    entries = []
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            entries.append((match.group(2), match.group(3).strip(), match.group(1) is None))
    return entries


def dockerfile_instructions() -> list[tuple[int, str, str]]:
    """(stage number, INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    instructions, stage, pending = [], -1, ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        if not line.strip():
            continue
        keyword, _, arguments = line.strip().partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        instructions.append((stage, keyword, arguments.strip()))
    return instructions


def instruction_argv(arguments: str) -> list[str]:
    if arguments.startswith("["):
        return yaml.safe_load(arguments)  # the JSON (exec) form
    return shlex.split(arguments)


def stage_names() -> dict[str, int]:
    names = {}
    for stage, keyword, arguments in dockerfile_instructions():
        parts = arguments.split()
        if keyword == "FROM" and len(parts) == 3 and parts[1].upper() == "AS":
            names[parts[2]] = stage
    return names


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last = max(stage for stage, _, _ in instructions)
    return [(keyword, arguments) for stage, keyword, arguments in instructions if stage == last]


def dockerignore_excludes(path: str) -> bool:
    """Whether .dockerignore keeps ``path`` (or a folder above it) out of the build context."""
    patterns = []
    for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            patterns.append(line)
    parts = Path(path).parts
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        if any(fnmatch(candidate, pattern) for candidate in candidates):
            excluded = not negated
    return excluded


def production_env(**overrides: str | None) -> dict[str, str]:
    """This process's environment without any setting the project reads, plus the valid production set."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name.removesuffix("_FILE") not in settings_variables() | gunicorn_variables()
        and name != "DJANGO_SETTINGS_MODULE"
    }
    env.update(VALID_PRODUCTION_ENV)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_python(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def healthcheck_script(service: str) -> str:
    test = load_compose()["services"][service]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"], f"{service}'s health check is not a python -c script"
    return test[3]


# --- Checking commands -------------------------------------------------------------------------


def assert_command_runs(argv: list[str], where: str) -> None:
    """What ``argv`` names exists here: gunicorn's app and config, Celery's app and subcommand, manage.py's command."""
    assert argv, f"{where}: empty command"
    program = argv[0]
    if program == "gunicorn":
        assert "-c" in argv, f"{where}: gunicorn without -c CONFIG"
        config = argv[argv.index("-c") + 1]
        assert (REPO / config).is_file(), f"{where}: gunicorn config {config} does not exist"
        targets = [arg for arg in argv[1:] if ":" in arg and not arg.startswith("-")]
        assert len(targets) == 1, f"{where}: expected one module:attribute, found {targets}"
        module_name, attribute = targets[0].split(":", 1)
        application = getattr(importlib.import_module(module_name), attribute)
        assert callable(application), f"{where}: {targets[0]} is not callable"
        call = application.__call__ if not inspect.isfunction(application) else application
        inspect.signature(call).bind({"REQUEST_METHOD": "GET"}, lambda status, headers: None)
    elif program == "celery":
        from celery import Celery
        from celery.app.utils import find_app
        from celery.bin.celery import celery as celery_cli

        assert "-A" in argv, f"{where}: celery without -A APP"
        app_name = argv[argv.index("-A") + 1]
        app = find_app(app_name)
        assert isinstance(app, Celery), f"{where}: -A {app_name} finds {app!r}, not a Celery app"
        subcommand = argv[argv.index("-A") + 2]
        assert subcommand in celery_cli.commands, f"{where}: celery has no {subcommand!r} command"
    elif program in {"python", "python3"} and argv[1:2] == ["manage.py"]:
        from django.core.management import get_commands

        assert (REPO / "manage.py").is_file()
        assert argv[2] in get_commands(), f"{where}: manage.py has no {argv[2]!r} command"
    else:
        raise AssertionError(f"{where}: no check knows the command {argv}")


# --- docker-compose.yml ------------------------------------------------------------------------


def test_compose_has_the_expected_services():
    services = load_compose()["services"]
    assert set(services) == EXPECTED_SERVICES | TRIAL_SERVICES


def test_a_trial_service_starts_only_when_its_profile_is_asked_for():
    services = load_compose()["services"]
    for name in TRIAL_SERVICES:
        assert services[name].get("profiles"), f"{name} would start with every `docker compose up`"
        assert "ports" not in services[name] and "env_file" not in services[name], name
    for name in EXPECTED_SERVICES:
        assert "profiles" not in services[name], f"{name} would not start with `docker compose up`"


def test_beat_is_never_scaled():
    beat = load_compose()["services"]["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1 and "scale" not in beat


def test_the_object_store_in_env_example_is_what_production_settings_use():
    """.env.example's Azurite lines, uncommented, point the production settings at Azure Blob Storage
    (the azurite service's address); the static files stay with WhiteNoise, built into the image."""
    example = {name: value for name, value, _ in env_example_lines() if name.startswith("AZURE_STORAGE_") and value}
    assert set(example) == {"AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_CONTAINER"}
    assert "BlobEndpoint=http://azurite:10000/" in example["AZURE_STORAGE_CONNECTION_STRING"]
    script = (
        "from django.conf import settings; print(*(settings.STORAGES[use]['BACKEND'] for use in settings.STORAGES))"
    )
    result = run_python(["-c", script], production_env(**example))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "csp_portal.storage.AzureStorage",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_backing_service_images():
    services = load_compose()["services"]
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    redis_command = " ".join(command_argv(services["redis"]["command"]))
    assert "--appendonly yes" in redis_command


@pytest.mark.parametrize("service", sorted(APP_SERVICES))
def test_app_service_command_names_what_exists(service):
    definition = load_compose()["services"][service]
    assert "build" in definition or "image" in definition
    assert_command_runs(command_argv(definition["command"]), f"compose service {service}")


def test_app_service_commands_are_the_intended_ones():
    services = load_compose()["services"]
    assert command_argv(services["web"]["command"])[0] == "gunicorn"
    assert command_argv(services["worker"]["command"])[3] == "worker"
    assert command_argv(services["beat"]["command"])[3] == "beat"
    assert command_argv(services["migrate"]["command"])[2:] == ["migrate", "--noinput"]


@pytest.mark.parametrize("service", sorted(LONG_RUNNING_SERVICES))
def test_long_running_service_has_a_healthcheck_and_restarts(service):
    definition = load_compose()["services"][service]
    healthcheck = definition.get("healthcheck")
    assert healthcheck, f"{service} has no healthcheck"
    assert not healthcheck.get("disable")
    assert healthcheck["test"][0] in {"CMD", "CMD-SHELL"}
    assert definition.get("restart") in {"always", "unless-stopped", "on-failure"}


def test_migrate_runs_once_after_postgres_and_gates_web_and_worker():
    services = load_compose()["services"]
    assert services["migrate"].get("restart") in {"no", None}
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for service in ("web", "worker"):
        depends_on = services[service]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", service
        assert depends_on["postgres"]["condition"] == "service_healthy", service
        assert depends_on["redis"]["condition"] == "service_healthy", service
    assert services["beat"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_backing_service_healthchecks():
    services = load_compose()["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]


def test_worker_healthcheck_pings_this_worker():
    test = load_compose()["services"]["worker"]["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    argv = shlex.split(test[1])
    assert_command_runs(argv, "worker healthcheck")
    assert argv[3:5] == ["inspect", "ping"]
    destination = argv[argv.index("--destination") + 1] if "--destination" in argv else argv[argv.index("-d") + 1]
    # $$ in compose is a literal $, which the shell then expands to the container's host name.
    assert destination == "celery@$$HOSTNAME"


def named_volumes_by_service(compose: dict) -> dict[str, dict[str, str]]:
    """service -> {volume name: mount path} for named volumes (not bind mounts)."""
    result = {}
    for name, definition in compose["services"].items():
        mounts = {}
        for volume in definition.get("volumes", []):
            if isinstance(volume, dict):
                if volume.get("type", "volume") == "volume":
                    mounts[volume["source"]] = volume["target"]
                continue
            source, _, rest = volume.partition(":")
            if rest and not source.startswith((".", "/", "~", "$")):
                mounts[source] = rest.split(":")[0]
        result[name] = mounts
    return result


def test_named_volumes_are_declared_and_mounted_where_data_lives():
    compose = load_compose()
    declared = set(compose.get("volumes") or {})
    mounts = named_volumes_by_service(compose)
    used = {volume for service_mounts in mounts.values() for volume in service_mounts}
    assert used <= declared, f"used but not declared: {used - declared}"
    assert declared <= used, f"declared but never used: {declared - used}"
    assert "/var/lib/postgresql/data" in mounts["postgres"].values()
    assert "/data" in mounts["redis"].values()
    assert "/app/media" in mounts["web"].values()
    assert "/app/media" in mounts["worker"].values()
    beat = command_argv(compose["services"]["beat"]["command"])
    schedule = beat[beat.index("--schedule") + 1]
    assert any(schedule.startswith(path.rstrip("/") + "/") for path in mounts["beat"].values()), (
        f"beat's schedule {schedule} is not on a volume"
    )


def test_app_services_read_env_file_and_reach_the_compose_services():
    compose = load_compose()
    assert ENV_EXAMPLE.is_file()
    for service in APP_SERVICES:
        definition = compose["services"][service]
        env_file = definition["env_file"]
        env_files = [env_file] if isinstance(env_file, str) else env_file
        assert ".env" in [entry if isinstance(entry, str) else entry["path"] for entry in env_files], service
        environment = definition["environment"]
        database = urlparse(interpolate(environment["DATABASE_URL"], {"POSTGRES_PASSWORD": "pw"}))
        assert database.scheme == "postgres" and database.hostname == "postgres", service
        assert database.path == "/" + compose["services"]["postgres"]["environment"]["POSTGRES_DB"], service
        assert database.username == compose["services"]["postgres"]["environment"]["POSTGRES_USER"], service
        redis = urlparse(environment["REDIS_URL"])
        assert redis.scheme == "redis" and redis.hostname == "redis", service
    for service in BACKING_SERVICES:
        assert "env_file" not in compose["services"][service], f"{service} should not receive the app's secrets"


def test_only_web_publishes_a_port_and_only_on_loopback():
    services = load_compose()["services"]
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert all("ports" not in services[name] for name in EXPECTED_SERVICES - {"web"})


# --- .env.example -----------------------------------------------------------------------------


def test_settings_reads_the_variables_this_test_expects():
    # Guards the regular expression: if the settings change how they read variables, say so here.
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= settings_variables()


def test_env_example_documents_every_settings_variable():
    documented = {name for name, _, _ in env_example_lines()}
    missing = settings_variables() - documented
    assert not missing, f".env.example does not mention {sorted(missing)}"


def test_env_example_documents_nothing_that_nobody_reads():
    readers = settings_variables() | set(compose_interpolated_variables()) | gunicorn_variables()
    unknown = {name for name, _, _ in env_example_lines()} - readers
    assert not unknown, f".env.example has variables nothing reads: {sorted(unknown)}"
    # Everything compose needs to interpolate is there to fill in, not commented out.
    active = {name for name, _, is_active in env_example_lines() if is_active}
    required = {name for name, operator in compose_interpolated_variables().items() if operator.startswith(":?")}
    assert required <= active, f"compose requires {sorted(required - active)}, commented out in .env.example"


def test_env_example_has_no_live_secret_and_says_how_to_make_one():
    values = {name: value for name, value, active in env_example_lines() if active}
    assert values["SECRET_KEY"] == ""
    assert values["POSTGRES_PASSWORD"] == ""
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    assert 'python -c "import secrets; print(secrets.token_urlsafe(50))"' in text


def env_from_example() -> dict[str, str]:
    """The app containers' environment: .env.example filled in, then compose's `environment:` on top."""
    values = {name: value for name, value, active in env_example_lines() if active}
    values["SECRET_KEY"] = SECRET_KEY
    values["POSTGRES_PASSWORD"] = "Zq3-password_from_token_urlsafe"
    environment = load_compose()["services"]["web"]["environment"]
    values.update({name: interpolate(str(value), values) for name, value in environment.items()})
    return values


def test_filled_in_env_example_passes_check_deploy():
    env = production_env(**{name: None for name in VALID_PRODUCTION_ENV if name != "DJANGO_SETTINGS_MODULE"})
    env.update(env_from_example())
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr


# --- Production settings ---------------------------------------------------------------------


def test_production_settings_refuse_to_start_without_secret_key():
    result = run_python(["-c", "import csp_portal.settings.production"], production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_refuse_a_short_secret_key():
    result = run_python(["-c", "import csp_portal.settings.production"], production_env(SECRET_KEY="too-short-1234"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be at least 50 random characters" in result.stderr


def test_production_settings_load_with_a_full_environment():
    result = run_python(["-c", "import csp_portal.settings.production"], production_env())
    assert result.returncode == 0, result.stderr


def test_check_deploy_passes_with_a_full_environment():
    # Nothing listens on port 1: the check passing shows it does not need the database or Redis.
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


# --- Dockerfile ----------------------------------------------------------------------------------


def test_dockerfile_stages_use_the_intended_images():
    froms = [arguments.split()[0] for _, keyword, arguments in dockerfile_instructions() if keyword == "FROM"]
    assert any(image.startswith("node:20") for image in froms)
    assert froms[-1].startswith("python:3.11-slim")
    assert {"assets"} <= set(stage_names())


def test_dockerfile_copy_sources_exist_and_are_in_the_build_context():
    names = stage_names()
    copies = 0
    for stage, keyword, arguments in dockerfile_instructions():
        if keyword not in {"COPY", "ADD"}:
            continue
        argv = instruction_argv(arguments)
        flags = [arg for arg in argv if arg.startswith("--")]
        paths = [arg for arg in argv if not arg.startswith("--")]
        sources = paths[:-1]
        from_stage = next((flag.split("=", 1)[1] for flag in flags if flag.startswith("--from=")), None)
        if from_stage is not None:
            assert from_stage in names and names[from_stage] < stage, f"COPY --from={from_stage}: no earlier stage"
            continue
        for source in sources:
            copies += 1
            if source.strip("/") in BUILT_IN_NODE_STAGE:
                continue
            assert (REPO / source).exists() or list(REPO.glob(source)), f"COPY {source}: not in the repository"
            if source != ".":
                assert not dockerignore_excludes(source), f"COPY {source}: excluded by .dockerignore"
    assert copies >= 3


def test_dockerfile_built_assets_come_from_the_node_stage():
    instructions = dockerfile_instructions()
    node_stage = stage_names()["assets"]
    node_runs = " && ".join(
        arguments for stage, keyword, arguments in instructions if stage == node_stage and keyword == "RUN"
    )
    assert "npm ci" in node_runs and "npm run build" in node_runs
    final = final_stage()
    assert any(
        keyword == "COPY" and "--from=assets" in arguments and "static/dist" in arguments
        for keyword, arguments in final
    )


def test_dockerfile_final_stage_runs_gunicorn_as_a_non_root_user():
    final = final_stage()
    commands = [instruction_argv(arguments) for keyword, arguments in final if keyword in {"CMD", "ENTRYPOINT"}]
    assert commands, "the final stage has no CMD or ENTRYPOINT"
    command = commands[-1]
    assert any("csp_portal.wsgi" in arg for arg in command), command
    assert_command_runs(command, "Dockerfile CMD")
    users = [arguments.split(":")[0] for keyword, arguments in final if keyword == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert any(keyword == "EXPOSE" and "8000" in arguments.split() for keyword, arguments in final)
    env_lines = " ".join(arguments for keyword, arguments in final if keyword == "ENV")
    assert "DJANGO_SETTINGS_MODULE=csp_portal.settings.production" in env_lines


def test_dockerfile_installs_weasyprint_and_psycopg2_libraries():
    runs = " ".join(arguments for _, keyword, arguments in dockerfile_instructions() if keyword == "RUN")
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libpq5", "libpq-dev", "gcc"):
        assert package in runs, package
    assert "pip install --no-cache-dir -r requirements.txt" in runs
    final_runs = " ".join(arguments for keyword, arguments in final_stage() if keyword == "RUN")
    assert "libpq-dev" not in final_runs and "gcc" not in final_runs, "build-only packages in the final image"


def test_dockerignore_keeps_secrets_and_local_state_out():
    for path in (".env", ".git", ".venv", "node_modules", "static/dist", "db.sqlite3", "media"):
        assert dockerignore_excludes(path), f".dockerignore does not exclude {path}"
    for path in ("requirements.txt", "manage.py", "csp_portal", "package.json", "package-lock.json", "static/src"):
        assert not dockerignore_excludes(path), f".dockerignore excludes {path}, which the image needs"


def collectstatic_build_env() -> dict[str, str]:
    """The throwaway NAME=value pairs the Dockerfile gives collectstatic."""
    run = next(arguments for keyword, arguments in final_stage() if keyword == "RUN" and "collectstatic" in arguments)
    step = next(part for part in run.split("&&") if "collectstatic" in part)
    return dict(token.split("=", 1) for token in shlex.split(step) if re.match(r"^[A-Z][A-Z0-9_]*=", token))


def test_collectstatic_build_values_satisfy_production_settings_and_stay_out_of_the_image():
    build_env = collectstatic_build_env()
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} <= set(build_env)
    env = production_env(**{name: None for name in VALID_PRODUCTION_ENV if name != "DJANGO_SETTINGS_MODULE"})
    env.update(build_env)
    result = run_python(["-c", "import csp_portal.settings.production"], env)
    assert result.returncode == 0, result.stderr
    env_lines = " ".join(arguments for keyword, arguments in final_stage() if keyword in {"ENV", "ARG"})
    assert "SECRET_KEY" not in env_lines


def test_collectstatic_as_the_image_runs_it(tmp_path):
    """Production storage (hashed, compressed) over static/ as the image has it: the built dist, no src."""
    dist = REPO / "static" / "dist"
    if not dist.is_dir():
        pytest.skip("static/dist is not built here: npm ci && npm run build")
    static_root = tmp_path / "staticfiles"
    (tmp_path / "image_settings.py").write_text(
        "from csp_portal.settings.production import *  # noqa\n"
        f"STATIC_ROOT = {str(static_root)!r}\n"
        f"STATICFILES_DIRS = [{str(REPO / 'static')!r}]\n",
        encoding="utf-8",
    )
    script = (
        "import sys, django\n"
        "from django.conf import settings\n"
        "from django.contrib.staticfiles.finders import FileSystemFinder\n"
        "from django.core.management import call_command\n"
        "django.setup()\n"
        # The image removes static/src before collecting: ignore it here the same way.
        "call_command('collectstatic', interactive=False, verbosity=1, ignore_patterns=['src'])\n"
    )
    env = production_env(**{name: None for name in VALID_PRODUCTION_ENV if name != "DJANGO_SETTINGS_MODULE"})
    env.update(collectstatic_build_env())
    env["DJANGO_SETTINGS_MODULE"] = "image_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(REPO)])
    result = run_python(["-c", script], env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (static_root / "staticfiles.json").read_text(encoding="utf-8")
    assert '"dist/app.css"' in manifest
    assert not (static_root / "src").exists()
    assert list(static_root.glob("dist/app.*.css.gz")), "whitenoise did not compress app.css"


# --- gunicorn ----------------------------------------------------------------------------------


def load_gunicorn_conf(monkeypatch, **environment: str | None) -> dict:
    for name in gunicorn_variables():
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_conf_defaults(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    assert conf["bind"] == "0.0.0.0:8000"
    assert conf["workers"] == min(2 * conf["cpu_count"]() + 1, conf["MAX_DEFAULT_WORKERS"])
    assert 3 <= conf["workers"] <= 8
    assert conf["accesslog"] == "-"
    assert conf["timeout"] >= 30
    assert "172.16.0.0/12" in conf["forwarded_allow_ips"]
    assert conf["secure_scheme_headers"] == {"X-FORWARDED-PROTO": "https"}


def test_gunicorn_conf_reads_the_environment(monkeypatch):
    conf = load_gunicorn_conf(
        monkeypatch, WEB_CONCURRENCY="3", GUNICORN_TIMEOUT="120", FORWARDED_ALLOW_IPS="10.1.2.3", LOG_LEVEL="WARNING"
    )
    assert (conf["workers"], conf["timeout"], conf["forwarded_allow_ips"], conf["loglevel"]) == (
        3,
        120,
        "10.1.2.3",
        "warning",
    )


def test_gunicorn_conf_trusts_the_scheme_from_the_proxies_django_trusts(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch, TRUSTED_PROXIES="192.0.2.10, 172.18.0.0/16")
    assert conf["forwarded_allow_ips"] == "192.0.2.10/32,172.18.0.0/16"


def test_gunicorn_conf_refuses_two_lists_of_proxies(monkeypatch):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES or FORWARDED_ALLOW_IPS, not both"):
        load_gunicorn_conf(monkeypatch, TRUSTED_PROXIES="192.0.2.10", FORWARDED_ALLOW_IPS="10.1.2.3")


def test_gunicorn_conf_refuses_a_malformed_proxy_naming_the_variable(monkeypatch):
    with pytest.raises(Exception, match="TRUSTED_PROXIES: 'proxy.internal' is not an IP address"):
        load_gunicorn_conf(monkeypatch, TRUSTED_PROXIES="proxy.internal")


@pytest.mark.parametrize("value", ["many", "0", "-2"])
def test_gunicorn_conf_refuses_a_bad_worker_count(monkeypatch, value):
    with pytest.raises(RuntimeError, match="WEB_CONCURRENCY"):
        load_gunicorn_conf(monkeypatch, WEB_CONCURRENCY=value)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not listen on {port} within {seconds} s")


def wait_for_a_worker(port: int, seconds: float = 60) -> None:
    """Wait until gunicorn's worker answers at all: the master listens before its worker has loaded
    Django, which on a busy machine takes longer than the health check's own 8-second timeout."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
                sock.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                if sock.recv(12).startswith(b"HTTP/"):
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"gunicorn's worker did not answer on {port} within {seconds} s")


def test_web_healthcheck_against_gunicorn_with_production_settings(tmp_path):
    """gunicorn with the real config and production settings; the database and Redis are unreachable.

    /healthz then answers 503, which web's health check counts as alive. Presenting a host that is
    not allowed makes Django answer 400, which it does not.
    """
    port = free_port()
    env = production_env(WEB_CONCURRENCY="1")
    log = tmp_path / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            [str(gunicorn), "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{port}", "csp_portal.wsgi:application"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, process)
            wait_for_a_worker(port)
            script = healthcheck_script("web")
            assert "http://127.0.0.1:8000/healthz" in script
            script = script.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
            healthy = run_python(["-c", script], env, timeout=60)
            assert healthy.returncode == 0, healthy.stdout + healthy.stderr
            assert "healthz answered 503" in healthy.stdout
            wrong_host = run_python(["-c", script], {**env, "ALLOWED_HOSTS": "elsewhere.example"}, timeout=60)
            assert wrong_host.returncode == 1, wrong_host.stdout + wrong_host.stderr
            assert "healthz answered 400" in wrong_host.stdout
        finally:
            process.terminate()
            process.wait(timeout=30)
    output = log.read_text(encoding="utf-8")
    assert '"GET /healthz HTTP/1.1" 503' in output, output


# --- beat's health check -----------------------------------------------------------------------


def run_beat_healthcheck(directory: Path) -> subprocess.CompletedProcess:
    script = healthcheck_script("beat").replace("/data/", f"{directory}/")
    return run_python(["-c", script], dict(os.environ), timeout=30)


def test_beat_healthcheck_reads_the_schedule_file_beat_writes(tmp_path):
    beat = command_argv(load_compose()["services"]["beat"]["command"])
    assert beat[beat.index("--schedule") + 1] == "/data/celerybeat-schedule"
    assert run_beat_healthcheck(tmp_path).returncode == 1, "healthy with no schedule file"
    schedule = tmp_path / "celerybeat-schedule.dat"  # the name shelve's dbm.dumb gives it
    schedule.write_bytes(b"")
    assert run_beat_healthcheck(tmp_path).returncode == 0
    an_hour_ago = time.time() - 3600
    os.utime(schedule, (an_hour_ago, an_hour_ago))
    assert run_beat_healthcheck(tmp_path).returncode == 1, "healthy with a schedule untouched for an hour"
