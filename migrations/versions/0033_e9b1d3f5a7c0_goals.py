"""goals: set from the assessment, with progress updates, evidence and tags

Revision ID: e9b1d3f5a7c0
Revises: d7f9b1c3e5a8
Create Date: 2026-12-03 23:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e9b1d3f5a7c0'
down_revision = 'd7f9b1c3e5a8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'goal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('target_date', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=True),
        sa.Column('cited_answer', sa.String(length=32), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_goal_organisation_id_organisation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_goal_assessment_id_assessment'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by_id'], ['account.id'], name=op.f('fk_goal_created_by_id_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_goal')),
    )
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_status'), ['status'], unique=False)
    op.create_table(
        'goal_tag',
        sa.Column('goal_id', sa.Integer(), nullable=False),
        sa.Column('tag_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_goal_tag_goal_id_goal'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], name=op.f('fk_goal_tag_tag_id_tag'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('goal_id', 'tag_id', name=op.f('pk_goal_tag')),
    )
    with op.batch_alter_table('goal_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_tag_tag_id'), ['tag_id'], unique=False)
    op.create_table(
        'goal_update',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('goal_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('status_before', sa.String(length=16), nullable=False),
        sa.Column('status_after', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_goal_update_goal_id_goal'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['account.id'], name=op.f('fk_goal_update_author_id_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_update')),
    )
    with op.batch_alter_table('goal_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_update_goal_id'), ['goal_id'], unique=False)
    op.create_table(
        'goal_evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('goal_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_goal_evidence_goal_id_goal'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['added_by_id'], ['account.id'], name=op.f('fk_goal_evidence_added_by_id_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_evidence')),
        sa.UniqueConstraint('goal_id', 'kind', 'target_id', name='uq_goal_evidence'),
    )
    with op.batch_alter_table('goal_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_evidence_goal_id'), ['goal_id'], unique=False)


def downgrade():
    op.drop_table('goal_evidence')
    op.drop_table('goal_update')
    op.drop_table('goal_tag')
    op.drop_table('goal')
