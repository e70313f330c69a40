"""events by their end: what is still to come is found through an index on ends_at, so the
events page counts and walks the events to come, not every event the programme has had

Revision ID: f7a9b1c3d5e6
Revises: e6f8a0b2c4d5
Create Date: 2026-12-04 18:40:00.000000

"""
from alembic import op

revision = "f7a9b1c3d5e6"
down_revision = "e6f8a0b2c4d5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_ends_at"), ["ends_at"], unique=False)


def downgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_ends_at"))
