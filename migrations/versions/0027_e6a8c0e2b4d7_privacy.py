"""privacy: copies of a member's data, and when an account was erased

Revision ID: e6a8c0e2b4d7
Revises: d4f6a8c0e2b5
Create Date: 2026-12-03 20:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6a8c0e2b4d7'
down_revision = 'd4f6a8c0e2b5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'data_export',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['account.id'], name=op.f('fk_data_export_user_id_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_export')),
    )
    with op.batch_alter_table('data_export', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_export_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_export_expires_at'), ['expires_at'], unique=False)
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('data_export', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_export_expires_at'))
        batch_op.drop_index(batch_op.f('ix_data_export_user_id'))
    op.drop_table('data_export')
