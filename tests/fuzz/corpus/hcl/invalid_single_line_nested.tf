# A single-line block cannot nest a block.
a { b {} }
