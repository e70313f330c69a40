"""training groups: named sets of members, and boards only a group reads

Revision ID: a1c3e5f7b9d2
Revises: f8c0e2a4b6d9
Create Date: 2026-12-03 22:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c3e5f7b9d2'
down_revision = 'f8c0e2a4b6d9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'training_group',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=64), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('name_fi', sa.String(length=120), nullable=False),
        sa.Column('name_sv', sa.String(length=120), nullable=False),
        sa.Column('name_en', sa.String(length=120), nullable=False),
        sa.Column('description_fi', sa.Text(), nullable=False),
        sa.Column('description_sv', sa.Text(), nullable=False),
        sa.Column('description_en', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_training_group')),
        sa.UniqueConstraint('slug', name=op.f('uq_training_group_slug')),
    )
    op.create_table(
        'group_member',
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('joined_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['group_id'], ['training_group.id'], name=op.f('fk_group_member_group_id_training_group'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['account.id'], name=op.f('fk_group_member_user_id_account'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invited_by_id'], ['account.id'], name=op.f('fk_group_member_invited_by_id_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('group_id', 'user_id', name=op.f('pk_group_member')),
    )
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_member_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('board', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_board_group_id'), ['group_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_board_group_id_training_group'), 'training_group', ['group_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint(
            op.f('ck_board_group_board_is_national'),
            "(visibility = 'group') = (group_id IS NOT NULL) "
            "AND (group_id IS NULL OR region_id IS NULL)",
        )


def downgrade():
    with op.batch_alter_table('board', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_board_group_board_is_national'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_board_group_id_training_group'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_board_group_id'))
        batch_op.drop_column('group_id')
    op.drop_table('group_member')
    op.drop_table('training_group')
