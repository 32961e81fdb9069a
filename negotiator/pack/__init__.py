"""Rule packs: their files validated into an immutable intermediate form."""
