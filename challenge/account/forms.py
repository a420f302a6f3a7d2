from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class ProfileForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请输入姓名。")), Length(max=50)])
    title = StringField(_l("职称 / 职务"), validators=[Length(max=50)])
    fields = StringField(_l("研究领域（逗号分隔）"), validators=[Length(max=300)])
    keywords = StringField(_l("关键词（逗号分隔）"), validators=[Length(max=500)])
    results = TextAreaField(_l("代表性成果（论文、专利、项目，每行一项）"),
                            validators=[Length(max=5000)])
    bio = TextAreaField(_l("个人简介"), validators=[Length(max=3000)])
