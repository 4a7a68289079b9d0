#!/usr/bin/env bash
# Web app translations: extract the strings of roost/web into the template catalog, merge
# them into each language's catalog, and compile the .mo files (which are committed).
#   scripts/i18n.sh            extract + update + compile
#   scripts/i18n.sh compile    compile only (after editing a .po by hand)
# New or changed strings come out untranslated (or "fuzzy"); translate them in
# roost/web/locale/<lang>/LC_MESSAGES/messages.po, then run `scripts/i18n.sh compile`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
LOCALE_DIR=roost/web/locale
POT=$LOCALE_DIR/messages.pot
mkdir -p "$LOCALE_DIR"
LANGS=(fr)

if [[ ${1:-} != compile ]]; then
  "$BIN/pybabel" -q extract -F babel.cfg -o "$POT" --project=Roost --copyright-holder=Roost \
    --add-location=file --sort-output --no-wrap -c TRANSLATORS: roost/web
  for lang in "${LANGS[@]}"; do
    po=$LOCALE_DIR/$lang/LC_MESSAGES/messages.po
    if [[ -f $po ]]; then
      "$BIN/pybabel" -q update -i "$POT" -d "$LOCALE_DIR" -l "$lang" --no-wrap --ignore-obsolete
    else
      "$BIN/pybabel" -q init -i "$POT" -d "$LOCALE_DIR" -l "$lang" --no-wrap
    fi
  done
fi
"$BIN/pybabel" compile -d "$LOCALE_DIR" --statistics
