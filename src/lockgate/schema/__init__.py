"""The live schema as a normalised, deterministic text: ``lockgate schema dump`` and
``lockgate schema check``, and the drift check of ``status`` and ``check``.

:mod:`.describe` reads the objects through the adapter (its catalog SQL lives in
``dialects/``), :mod:`.render` writes and reads the text, :mod:`.diff` compares two
descriptions object by object, :mod:`.drift` keeps the fingerprint of the schema each
run left, and :mod:`.commands` is the API.
"""
