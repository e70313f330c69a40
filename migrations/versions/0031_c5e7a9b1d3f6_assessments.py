"""assessments: an organisation's initial assessment, versioned, and the information it needs

Revision ID: c5e7a9b1d3f6
Revises: b3d5f7a9c1e4
Create Date: 2026-12-03 22:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e7a9b1d3f6'
down_revision = 'b3d5f7a9c1e4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'assessment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('approaches', sa.Text(), nullable=False),
        sa.Column('works_well', sa.Text(), nullable=False),
        sa.Column('challenges', sa.Text(), nullable=False),
        sa.Column('information_needs', sa.Text(), nullable=False),
        sa.Column('shared_with_members', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_assessment_organisation_id_organisation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['account.id'], name=op.f('fk_assessment_author_id_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment')),
        sa.UniqueConstraint('organisation_id', 'version', name=op.f('uq_assessment_version')),
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_organisation_id'), ['organisation_id'], unique=False)
    op.create_table(
        'assessment_need',
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('tag_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_assessment_need_assessment_id_assessment'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], name=op.f('fk_assessment_need_tag_id_tag'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('assessment_id', 'tag_id', name=op.f('pk_assessment_need')),
    )
    with op.batch_alter_table('assessment_need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_need_tag_id'), ['tag_id'], unique=False)


def downgrade():
    op.drop_table('assessment_need')
    op.drop_table('assessment')
