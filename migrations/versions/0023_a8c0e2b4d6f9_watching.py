"""watching threads, boards, tags and tag groups; notification settings; fan-out to watchers

Revision ID: a8c0e2b4d6f9
Revises: f6b8d0e2a4c7
Create Date: 2026-12-03 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a8c0e2b4d6f9'
down_revision = 'f6b8d0e2a4c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'watch',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=16), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['account.id'], name=op.f('fk_watch_user_id_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'target', 'target_id', name=op.f('pk_watch')),
    )
    with op.batch_alter_table('watch', schema=None) as batch_op:
        batch_op.create_index('ix_watch_target', ['target', 'target_id'], unique=False)
    op.create_table(
        'notification_settings',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('watch_participated', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['account.id'], name=op.f('fk_notification_settings_user_id_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_settings')),
    )
    op.create_table(
        'notification_fanout',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_notification_fanout_post_id_post'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_fanout')),
    )
    with op.batch_alter_table('notification_fanout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_fanout_done_at'), ['done_at'], unique=False)


def downgrade():
    with op.batch_alter_table('notification_fanout', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_fanout_done_at'))
    op.drop_table('notification_fanout')
    op.drop_table('notification_settings')
    with op.batch_alter_table('watch', schema=None) as batch_op:
        batch_op.drop_index('ix_watch_target')
    op.drop_table('watch')
