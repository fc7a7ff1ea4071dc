"""Run by Debian's /usr/bin/python3 (PyQGIS): adds the OGC API as QGIS does and prints what the layer shows.

Usage: qgis_probe.py URL [authcfg|userpass USER TOKEN]; PROBE_QUERY (e.g. `status=vacant`) is appended to the
connection URL, as the README tells QGIS 3.22 users to filter on the server. `authcfg` stores a Basic auth config in a throw-away auth
database, `userpass` puts user and password into the layer's URI (the connection dialog's fields); both use
/ogc/auth/, where the server challenges. Features are read (and filtered) only for small layers. Prints one JSON line.
"""

import json
import os
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
home = tempfile.mkdtemp()
os.environ["QGIS_AUTH_DB_DIR_PATH"] = home

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsFeatureRequest, QgsVectorLayer  # noqa: E402

app = QgsApplication([], False, home)
app.setPrefixPath("/usr", True)
app.initQgis()
messages = []
app.messageLog().messageReceived.connect(lambda message, tag, level: messages.append(f"{tag}: {message}"))

url, *login = sys.argv[1:]
root, authcfg = f"{url}/ogc/", ""
if login and login[0] == "userpass":
    _mode, user, token = login
    authcfg = f" username='{user}' password='{token}'"
    root = f"{url}/ogc/auth/"
elif login:
    _mode, user, token = login
    manager = app.authManager()
    manager.setMasterPassword("probe-master-password", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("leerstand")
    config.setConfig("username", user)
    config.setConfig("password", token)
    manager.storeAuthenticationConfig(config)
    authcfg = f" authcfg='{config.id()}'"
    root = f"{url}/ogc/auth/"

if os.environ.get("PROBE_QUERY"):
    root += "?" + os.environ["PROBE_QUERY"]
result = {}
layer = QgsVectorLayer(f"url='{root}' typename='units'{authcfg}", "units", "OAPIF")
result["valid"] = layer.isValid()
if layer.isValid():
    result["count"] = layer.featureCount()
    result["fields"] = {field.name(): field.typeName() for field in layer.fields()}
    if result["count"] <= 1000:
        result["read"] = sum(1 for _feature in layer.getFeatures())
        layer.setSubsetString("\"status\" = 'vacant'")
        result["vacant"] = sum(1 for _feature in layer.getFeatures(QgsFeatureRequest()))
result["messages"] = messages[-5:]
print(json.dumps(result), flush=True)
os._exit(0)  # QGIS 3.22 sometimes crashes while tearing down offscreen; the result is out already
