"""heartbeat: when the job worker last said it was alive, for /readyz

Revision ID: f1a3c5e7b9d2
Revises: e9b1d3f5a7c0
Create Date: 2026-12-03 23:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1a3c5e7b9d2'
down_revision = 'e9b1d3f5a7c0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'heartbeat',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('beat_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_heartbeat')),
    )


def downgrade():
    op.drop_table('heartbeat')
