"""The deployment files, checked offline: the Kubernetes overlays render (kubectl's built-in kustomize)
and validate against Kubernetes' own schemas (kubernetes-validate, schemas bundled, strict), hold the
shape the platform needs, and carry every setting of the README's table; the compose file and the
Dockerfile hold theirs."""

import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.33.0"
OVERLAYS = ("staging", "production")
# README settings that have no place in a cluster, with the reason
NOT_IN_CLUSTER = {
    "PORT": "`make run` only; gunicorn binds GUNICORN_BIND",
    "DEMO_PASSWORD": "the demo is never seeded in a deployment",
    "OIDC_RSA_PRIVATE_KEY_FILE": "the key comes as OIDC_RSA_PRIVATE_KEY from the Secret",
}


def render(overlay: str) -> list[dict]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl (with its built-in kustomize) is needed to render deploy/k8s"
    out = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)], check=True, capture_output=True, text=True
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


@pytest.fixture(scope="module", params=OVERLAYS)
def manifests(request) -> dict[tuple[str, str], dict]:
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in render(request.param)}


def readme_settings() -> set[str]:
    text = (ROOT / "README.md").read_text()
    table = text.split("| Variable |", 1)[1].split("\n\n", 1)[0]
    return {name for row in table.splitlines() for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_every_rendered_resource_is_valid_kubernetes(manifests):
    for doc in manifests.values():
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_validator_refuses_a_broken_resource(manifests):
    broken = dict(manifests[("Deployment", "web")])
    broken["spec"] = {**broken["spec"], "replicas": "two"}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_workloads_have_probes_resources_and_the_right_counts(manifests):
    web = manifests[("Deployment", "web")]["spec"]["template"]["spec"]["containers"][0]
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    beat = manifests[("Deployment", "beat")]["spec"]
    assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"
    assert ("HorizontalPodAutoscaler", "web") in manifests and ("HorizontalPodAutoscaler", "worker") in manifests
    assert ("PodDisruptionBudget", "web") in manifests and ("PodDisruptionBudget", "worker") in manifests
    job = manifests[("Job", "setup-platform")]["spec"]["template"]["spec"]["containers"][0]
    assert job["command"] == ["python", "manage.py", "setup_platform"]
    for (kind, name), doc in manifests.items():
        if kind in ("Deployment", "Job"):
            for container in doc["spec"]["template"]["spec"]["containers"]:
                assert {"requests", "limits"} <= set(container["resources"]), f"{kind}/{name}"
                assert container["securityContext"]["allowPrivilegeEscalation"] is False, f"{kind}/{name}"
                refs = {next(iter(ref)) for ref in container["envFrom"]}
                assert refs == {"configMapRef", "secretRef"}, f"{kind}/{name}"


def test_ingress_takes_the_wildcard_and_custom_domains(manifests):
    rules = manifests[("Ingress", "web")]["spec"]["rules"]
    hosts = [rule.get("host") for rule in rules]
    assert any(host and host.startswith("*.") for host in hosts)
    assert None in hosts  # custom domains: the rule without a host


def test_every_readme_setting_is_in_the_config_map_or_the_secret(manifests):
    config = set(manifests[("ConfigMap", "mfd-config")]["data"])
    secret_keys = {
        line.strip()
        for line in (K8S / "base" / "secret-keys.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert not config & secret_keys, "a setting is both a secret and not"
    documented = readme_settings()
    assert len(documented) > 40  # the table was read
    missing = documented - config - secret_keys - set(NOT_IN_CLUSTER)
    assert not missing, f"settings in the README table missing from deploy/k8s: {sorted(missing)}"


def test_compose_has_the_whole_platform():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "setup", "web1", "web2", "worker", "beat", "nginx"} <= set(services)
    assert services["setup"]["command"] == ["python", "manage.py", "setup_platform"]
    for name in ("web1", "web2", "worker", "beat"):
        assert services[name]["depends_on"]["setup"]["condition"] == "service_completed_successfully"
    nginx_conf = (ROOT / "deploy" / "nginx" / "platform.conf").read_text()
    assert "server web1:8000" in nginx_conf and "server web2:8000" in nginx_conf


def test_the_image_runs_unprivileged_without_compilers_and_checks_its_health():
    dockerfile = (ROOT / "Dockerfile").read_text()
    final_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    assert "USER app" in final_stage
    assert "HEALTHCHECK" in final_stage and "/healthz" in final_stage
    assert not re.search(r"\b(gcc|build-essential|pip install)\b", final_stage)
    assert "collectstatic" in dockerfile
