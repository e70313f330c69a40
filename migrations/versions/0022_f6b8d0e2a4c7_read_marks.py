"""read marks: how far each member has read each thread, and boards marked read

Revision ID: f6b8d0e2a4c7
Revises: e4a6c8e0b2d5
Create Date: 2026-12-03 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6b8d0e2a4c7'
down_revision = 'e4a6c8e0b2d5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'thread_read_mark',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('read_up_to', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['thread_id'], ['thread.id'], name=op.f('fk_thread_read_mark_thread_id_thread'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['account.id'], name=op.f('fk_thread_read_mark_user_id_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_thread_read_mark')),
    )
    with op.batch_alter_table('thread_read_mark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_read_mark_thread_id'), ['thread_id'], unique=False)
    op.create_table(
        'board_read_mark',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('board_id', sa.Integer(), nullable=False),
        sa.Column('read_up_to', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_board_read_mark_board_id_board'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['account.id'], name=op.f('fk_board_read_mark_user_id_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'board_id', name=op.f('pk_board_read_mark')),
    )


def downgrade():
    op.drop_table('board_read_mark')
    with op.batch_alter_table('thread_read_mark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_read_mark_thread_id'))
    op.drop_table('thread_read_mark')
