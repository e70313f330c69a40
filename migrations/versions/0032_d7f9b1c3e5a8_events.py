"""events: workshops and training days with sign-up, a waiting list and private calendars

Revision ID: d7f9b1c3e5a8
Revises: c5e7a9b1d3f6
Create Date: 2026-12-03 23:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7f9b1c3e5a8'
down_revision = 'c5e7a9b1d3f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description_source', sa.Text(), nullable=False),
        sa.Column('description_html', sa.Text(), nullable=False),
        sa.Column('description_text', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('place', sa.String(length=300), nullable=False),
        sa.Column('online_url', sa.String(length=500), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=True),
        sa.Column('audience', sa.String(length=16), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=True),
        sa.Column('capacity', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_event_ends_after_start')),
        sa.CheckConstraint("(audience = 'group') = (group_id IS NOT NULL)", name=op.f('ck_event_group_audience')),
        sa.CheckConstraint("audience <> 'region' OR region_id IS NOT NULL", name=op.f('ck_event_region_audience')),
        sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_event_positive_capacity')),
        sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_event_region_id_region')),
        sa.ForeignKeyConstraint(['group_id'], ['training_group.id'], name=op.f('fk_event_group_id_training_group'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['thread_id'], ['thread.id'], name=op.f('fk_event_thread_id_thread'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by_id'], ['account.id'], name=op.f('fk_event_created_by_id_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event')),
        sa.UniqueConstraint('thread_id', name=op.f('uq_event_thread_id')),
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_group_id'), ['group_id'], unique=False)
    op.create_table(
        'event_registration',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_registration_event_id_event'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['account.id'], name=op.f('fk_event_registration_user_id_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id', 'user_id', name=op.f('pk_event_registration')),
    )
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_registration_user_id'), ['user_id'], unique=False)
    op.create_table(
        'calendar_feed',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['account.id'], name=op.f('fk_calendar_feed_user_id_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash')),
    )
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feed_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('calendar_feed')
    op.drop_table('event_registration')
    op.drop_table('event')
